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
      long baseTimestampMs = rows[start + at].timestampMs();
      long bytes = RecordBatch.HEADER_BYTES + recordSize(rows[start + at], 0, baseTimestampMs);
      int end = at + 1;
      while (end < count) {
        int size = recordSize(rows[start + end], end - at, baseTimestampMs);
        if (bytes + size > RecordBatch.HEADER_BYTES + RecordBatch.MAX_BATCH_BYTES) {
          break;
        }
        bytes += size;
        end++;
      }
      long baseOffset = firstOffset + at;
      byte[] records = new byte[Math.toIntExact(bytes)];
      RecordBatch.Encoder batch =
          new RecordBatch.Encoder(ByteBuffer.wrap(records), baseOffset, baseTimestampMs);
      for (int i = at; i < end; i++) {
        EncodedRecord record = rows[start + i];
        batch.add(
            baseOffset + (i - at),
            record.timestampMs(),
            record.key(),
            record.value(),
            record.headers());
      }
      batch.finish();
      RecordBatch.insert(
          insert, baseOffset, batch.lastOffset(), batch.count(), batch.maxTimestampMs(), records);
      at = end;
    }
  }

  private static int recordSize(EncodedRecord record, int offsetDelta, long baseTimestampMs) {
    return RecordBatch.recordSize(
        offsetDelta,
        record.timestampMs() - baseTimestampMs,
        record.key(),
        record.value(),
        record.headers());
  }
}
