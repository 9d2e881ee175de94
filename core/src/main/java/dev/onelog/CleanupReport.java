package dev.onelog;

/**
 * What retention, compaction and vacuum did in one call of {@link OneLog#compact()}.
 *
 * @param batchesDeleted whole batches deleted from the front of partitions by retention
 * @param recordsExamined records compaction read above the cleaner points
 * @param recordsRemoved records gone: by retention, compaction and expired tombstones
 * @param bytesRemoved their key, value and header bytes
 * @param pagesFreed database pages given back to the file system by incremental vacuum
 */
public record CleanupReport(
    long batchesDeleted,
    long recordsExamined,
    long recordsRemoved,
    long bytesRemoved,
    long pagesFreed) {

  public static final CleanupReport NONE = new CleanupReport(0, 0, 0, 0, 0);

  public CleanupReport plus(CleanupReport other) {
    return new CleanupReport(
        batchesDeleted + other.batchesDeleted,
        recordsExamined + other.recordsExamined,
        recordsRemoved + other.recordsRemoved,
        bytesRemoved + other.bytesRemoved,
        pagesFreed + other.pagesFreed);
  }
}
