package dev.onelog.internal.storage;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Packs records, in offset order and keeping their offsets, into batches of up to {@value
 * RecordBatch#MAX_BATCH_BYTES} bytes, as appends do, and inserts each batch when it closes: the
 * format 1 upgrade, compaction and deleting records before an offset write batches this way.
 * Offsets may have gaps. Holds one batch at a time. Not thread-safe.
 */
public final class BatchPacker {
  private final PreparedStatement insert;
  private final ByteBuffer standard =
      ByteBuffer.allocate(RecordBatch.HEADER_BYTES + RecordBatch.MAX_BATCH_BYTES);

  /** The open batch, or null. */
  private RecordBatch.Encoder batch;

  private long baseOffset;
  private long baseTimestampMs;

  public BatchPacker(PreparedStatement insert) {
    this.insert = insert;
  }

  public void add(long offset, long timestampMs, byte[] key, byte[] value, byte[] headers)
      throws SQLException {
    // An offset delta is an int32: offsets further apart than that (only after compaction
    // removed two billion records) start a new batch.
    if (batch != null
        && (offset - baseOffset > Integer.MAX_VALUE
            || batch.size()
                    + (long)
                        RecordBatch.recordSize(
                            (int) (offset - baseOffset),
                            timestampMs - baseTimestampMs,
                            key,
                            value,
                            headers)
                > standard.capacity())) {
      flush();
    }
    if (batch == null) {
      int size = RecordBatch.HEADER_BYTES + RecordBatch.recordSize(0, 0, key, value, headers);
      ByteBuffer out = size > standard.capacity() ? ByteBuffer.allocate(size) : standard;
      out.clear();
      baseOffset = offset;
      baseTimestampMs = timestampMs;
      batch = new RecordBatch.Encoder(out, offset, timestampMs);
    }
    batch.add(offset, timestampMs, key, value, headers);
  }

  /** Inserts the open batch, if any. */
  public void flush() throws SQLException {
    if (batch == null) {
      return;
    }
    byte[] bytes = batch.toBytes();
    RecordBatch.insert(
        insert, baseOffset, batch.lastOffset(), batch.count(), batch.maxTimestampMs(), bytes);
    batch = null;
  }
}
