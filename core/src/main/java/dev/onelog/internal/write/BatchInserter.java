package dev.onelog.internal.write;

import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Writes a partition's records of one transaction as batches: one row of its log table per up to
 * {@value RecordBatch#MAX_BATCH_BYTES} bytes of records (a larger record makes a batch of its own).
 * SQLite's cost is per row, so under load a row carries hundreds of records; a lone record is a
 * batch of one, so a light load waits for nothing.
 *
 * <p>Not thread-safe: the writer thread's alone.
 */
final class BatchInserter {
  private BatchInserter() {}

  /**
   * Inserts {@code rows[start .. start + count)} at offsets {@code firstOffset, firstOffset + 1,
   * ...}.
   */
  static void insert(
      StatementCache statements,
      String table,
      EncodedRecord[] rows,
      int start,
      int count,
      long firstOffset)
      throws SQLException {
    PreparedStatement insert = statements.get(RecordBatch.insertSql(table));
    int at = 0;
    while (at < count) {
      long bytes = encodedLength(rows[start + at]);
      int end = at + 1;
      while (end < count
          && bytes + encodedLength(rows[start + end]) <= RecordBatch.MAX_BATCH_BYTES) {
        bytes += encodedLength(rows[start + end]);
        end++;
      }
      long baseOffset = firstOffset + at;
      byte[] records = new byte[Math.toIntExact(bytes)];
      long maxTimestampMs = encode(rows, start + at, end - at, records);
      RecordBatch.insert(
          insert, baseOffset, baseOffset + (end - at) - 1, end - at, maxTimestampMs, records);
      at = end;
    }
  }

  private static long encodedLength(EncodedRecord record) {
    return RecordBatch.RECORD_OVERHEAD_BYTES + (long) record.sizeInBytes();
  }

  /** Encodes the records into {@code into}, sized exactly; returns their largest timestamp. */
  private static long encode(EncodedRecord[] rows, int from, int count, byte[] into) {
    ByteBuffer out = ByteBuffer.wrap(into);
    long maxTimestampMs = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      EncodedRecord record = rows[from + i];
      RecordBatch.putRecord(
          out, i, record.timestampMs(), record.key(), record.value(), record.headers());
      maxTimestampMs = Math.max(maxTimestampMs, record.timestampMs());
    }
    return maxTimestampMs;
  }
}
