package dev.onelog;

/**
 * One partition's state. {@code earliestOffset} is the first offset still stored (the log start
 * offset), {@code nextOffset} the offset the next append gets (the high-water mark); with no
 * records stored they are equal. {@code sizeInBytes} counts keys, values and headers. {@code
 * lastTimestampMs} is the largest timestamp among the newest records (those appended in the last
 * batch): the newest record's timestamp unless senders set timestamps out of order; -1 when the
 * partition is empty.
 *
 * @param cleanerOffset in a compacted topic, the cleaner point: below it the partition holds one
 *     record per key; -1 when the topic does not compact
 * @param cleanBytes the bytes of the records below the cleaner point (0 when not compacted)
 */
public record PartitionDescription(
    int partition,
    long earliestOffset,
    long nextOffset,
    long recordCount,
    long sizeInBytes,
    long lastTimestampMs,
    long cleanerOffset,
    long cleanBytes) {

  /** A partition of a topic that does not compact. */
  public PartitionDescription(
      int partition,
      long earliestOffset,
      long nextOffset,
      long recordCount,
      long sizeInBytes,
      long lastTimestampMs) {
    this(partition, earliestOffset, nextOffset, recordCount, sizeInBytes, lastTimestampMs, -1, 0);
  }

  /**
   * The share of the partition's bytes written since compaction last passed, 0 to 1, as Kafka's
   * dirty ratio: compaction starts when it reaches the topic's {@code minCleanableDirtyRatio}. 0
   * when the topic does not compact or the partition is empty.
   */
  public double dirtyShare() {
    if (cleanerOffset < 0 || sizeInBytes == 0) {
      return 0;
    }
    return (double) (sizeInBytes - cleanBytes) / sizeInBytes;
  }
}
