package dev.onelog.internal.cleanup;

import dev.onelog.CorruptRecordException;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of a log table, read to be rewritten or deleted record by record, with its records
 * decoded. A batch that fails its CRC32C or does not decode is never rewritten: rewriting would
 * give damaged records a valid CRC. Immutable.
 */
record StoredBatch(
    long lastOffset, long baseOffset, int recordCount, long maxTimestampMs, byte[] records) {

  /** The columns {@link #read} expects, in order. */
  static final String COLUMNS =
      "last_offset, base_offset, record_count, max_timestamp_ms, records, crc";

  /**
   * The statement that selects batches of the partition, {@link #COLUMNS} for {@link #read}, with
   * {@code condition} and what follows it: "last_offset >= ? ORDER BY last_offset".
   */
  static PreparedStatement select(StatementCache statements, PartitionState state, String condition)
      throws SQLException {
    return statements.get(
        "SELECT " + COLUMNS + " FROM " + state.logTable() + " WHERE " + condition);
  }

  /** One decoded record. {@code sizeBytes} counts key, value and headers, as retention does. */
  record Entry(
      long offset, long timestampMs, byte[] key, byte[] value, byte[] headers, int sizeBytes) {
    boolean tombstone() {
      return value == null;
    }
  }

  /**
   * The batch in the current row, its CRC checked.
   *
   * @throws CorruptRecordException naming the partition and the batch's last offset
   */
  static StoredBatch read(ResultSet rs, PartitionState state) throws SQLException {
    StoredBatch batch =
        new StoredBatch(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getBytes(5));
    if (batch.records == null
        || RecordBatch.crc(batch.baseOffset, batch.records) != rs.getLong(6)) {
      throw corrupt(state, batch.lastOffset, "it does not match its CRC32C");
    }
    return batch;
  }

  /**
   * The batch's records, in offset order.
   *
   * @throws CorruptRecordException when they do not decode or disagree with the row's columns
   */
  List<Entry> entries(PartitionState state) {
    List<Entry> entries = new ArrayList<>(recordCount);
    try {
      BatchCursor cursor = new BatchCursor(baseOffset, records);
      while (cursor.next()) {
        entries.add(
            new Entry(
                cursor.offset(),
                cursor.timestampMs(),
                cursor.key(),
                cursor.value(),
                cursor.headers(),
                cursor.sizeInBytes()));
      }
    } catch (IllegalArgumentException e) {
      throw corrupt(state, lastOffset, e.getMessage());
    }
    if (entries.size() != recordCount || entries.get(entries.size() - 1).offset() != lastOffset) {
      throw corrupt(
          state,
          lastOffset,
          "it holds "
              + entries.size()
              + " records where its row says "
              + recordCount
              + " ending at its last_offset");
    }
    return entries;
  }

  static CorruptRecordException corrupt(PartitionState state, long lastOffset, String why) {
    return new CorruptRecordException(
        "the batch of records ending at "
            + state.name()
            + "@"
            + lastOffset
            + " is damaged: "
            + why
            + ", so retention and compaction leave the partition alone."
            + " Run 'onelog verify' to list every damaged batch");
  }
}
