package dev.onelog.internal.cleanup;

import dev.onelog.internal.storage.KeyIndex;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The counters of one partition while a step removes records from it: what {@code partitions} and
 * {@code cleaner_points} must lose, written once by {@link #apply}, and the key index told of each
 * removed record when the topic compacts (retention and deleteRecordsBefore remove a key's records
 * without compaction deciding it). Not thread-safe: one step's.
 */
final class PartitionEdit {
  private final StatementCache statements;
  private final PartitionState state;
  private long removedRecords;
  private long removedBytes;
  private long removedCleanBytes;
  private long addedCleanBytes;
  private long logStartOffset;
  private long cleanerOffset;

  PartitionEdit(StatementCache statements, PartitionState state) {
    this.statements = statements;
    this.state = state;
    this.logStartOffset = state.logStartOffset();
    this.cleanerOffset = state.cleanerOffset();
  }

  PartitionState state() {
    return state;
  }

  /** A record is gone; its key's index row is updated when the topic compacts. */
  void removedRecord(byte[] key, long offset, long sizeBytes) throws SQLException {
    removed(offset, sizeBytes);
    if (state.compacted() && key != null) {
      KeyIndex.forget(statements, state.keysTable(), key, offset);
    }
  }

  /**
   * A record is gone, and compaction has already updated its key's index row. Below the cleaner
   * point as it stands now (a tombstone kept by this step's compaction may expire in it too), its
   * bytes leave the clean bytes.
   */
  void removed(long offset, long sizeBytes) {
    removedRecords++;
    removedBytes += sizeBytes;
    if (offset < cleanerOffset) {
      removedCleanBytes += sizeBytes;
    }
  }

  /** Whole batches are gone, of a topic that does not compact (no key index to update). */
  void removedBatches(long records, long sizeBytes) {
    removedRecords += records;
    removedBytes += sizeBytes;
  }

  /** Records compaction kept moved below the cleaner point, which is now {@code offset}. */
  void cleaned(long offset, long keptBytes) {
    cleanerOffset = Math.max(cleanerOffset, offset);
    addedCleanBytes += keptBytes;
  }

  /** No record below {@code offset} is stored any more. */
  void logStartsAt(long offset) {
    logStartOffset = Math.max(logStartOffset, offset);
    cleanerOffset = Math.max(cleanerOffset, logStartOffset);
  }

  long removedRecords() {
    return removedRecords;
  }

  long removedBytes() {
    return removedBytes;
  }

  /** The cleaner point, raised by this step's compaction and by retention past it. */
  long cleanerOffset() {
    return cleanerOffset;
  }

  /** Writes the counters; a no-op when nothing changed. */
  void apply() throws SQLException {
    if (removedRecords > 0 || logStartOffset != state.logStartOffset()) {
      PreparedStatement update =
          statements.get(
              "UPDATE partitions SET log_start_offset = ?, record_count = record_count - ?,"
                  + " size_bytes = size_bytes - ? WHERE topic_id = ? AND partition = ?");
      update.setLong(1, logStartOffset);
      update.setLong(2, removedRecords);
      update.setLong(3, removedBytes);
      update.setLong(4, state.topic().id());
      update.setInt(5, state.partition());
      update.executeUpdate();
    }
    if (state.compacted()
        && (cleanerOffset != state.cleanerOffset()
            || removedCleanBytes != 0
            || addedCleanBytes != 0)) {
      PreparedStatement update =
          statements.get(
              "UPDATE cleaner_points SET cleaner_offset = ?,"
                  + " clean_bytes = max(0, clean_bytes - ? + ?) WHERE topic_id = ? AND partition = ?");
      update.setLong(1, cleanerOffset);
      update.setLong(2, removedCleanBytes);
      update.setLong(3, addedCleanBytes);
      update.setLong(4, state.topic().id());
      update.setInt(5, state.partition());
      update.executeUpdate();
    }
  }
}
