package dev.onelog.internal.storage;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Packs records, in offset order and keeping their offsets, into batches of up to {@value
 * RecordBatch#MAX_BATCH_BYTES} bytes, as appends do, and inserts each batch when it closes: the
 * format 1 upgrade, compaction and deleting records before an offset write batches this way.
 * Offsets may have gaps. Holds one batch at a time. Not thread-safe.
 */
public final class BatchPacker {
  private final PreparedStatement insert;
  private final ByteBuffer standard = ByteBuffer.allocate(RecordBatch.MAX_BATCH_BYTES);

  /** {@link #standard}, or a buffer of its own for a single record larger than that. */
  private ByteBuffer records = standard;

  private int count;
  private long baseOffset;
  private long lastOffset;
  private long maxTimestampMs;

  public BatchPacker(PreparedStatement insert) {
    this.insert = insert;
  }

  public void add(long offset, long timestampMs, byte[] key, byte[] value, byte[] headers)
      throws SQLException {
    int length =
        Math.toIntExact(
            RecordBatch.RECORD_OVERHEAD_BYTES + RecordCodec.sizeInBytes(key, value, headers));
    // An offset delta is an int32: offsets further apart than that (only after compaction
    // removed two billion records) start a new batch.
    if (count > 0
        && (records.position() + (long) length > RecordBatch.MAX_BATCH_BYTES
            || offset - baseOffset > Integer.MAX_VALUE)) {
      flush();
    }
    if (count == 0) {
      records = length > standard.capacity() ? ByteBuffer.allocate(length) : standard;
      records.clear();
      baseOffset = offset;
      maxTimestampMs = timestampMs;
    }
    RecordBatch.putRecord(records, (int) (offset - baseOffset), timestampMs, key, value, headers);
    lastOffset = offset;
    maxTimestampMs = Math.max(maxTimestampMs, timestampMs);
    count++;
  }

  /** Inserts the open batch, if any. */
  public void flush() throws SQLException {
    if (count == 0) {
      return;
    }
    byte[] bytes = Arrays.copyOf(records.array(), records.position());
    RecordBatch.insert(insert, baseOffset, lastOffset, count, maxTimestampMs, bytes);
    count = 0;
  }
}
