package dev.onelog.internal.storage;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The {@code records} column of a log table row: a batch of records stored back to back. Format 2
 * stores one row per batch, because SQLite's cost is per row. Stateless helpers; {@link Cursor} is
 * one thread's.
 *
 * <pre>
 * per record, big-endian, no padding:
 *   int32 offset delta     offset - base_offset; 0 for the first record, then strictly rising
 *   int64 timestamp_ms
 *   int32 key length       -1 = NULL key,     then the key's bytes
 *   int32 value length     -1 = NULL value,   then the value's bytes
 *   int32 headers length   -1 = no headers,   then the headers (see {@link RecordCodec})
 * crc column: CRC32C (Castagnoli), as an unsigned 32-bit integer, over
 *   int64 base_offset | records
 * </pre>
 *
 * Each record costs {@value #RECORD_OVERHEAD_BYTES} bytes beyond its key, value and headers, so a
 * batch's size in the sense of retention and {@code partitions.size_bytes} is {@code
 * length(records) - 24 * record_count}.
 */
public final class RecordBatch {
  private RecordBatch() {}

  /** The fixed bytes of one record in a batch: delta, timestamp and three lengths. */
  public static final int RECORD_OVERHEAD_BYTES = 24;

  /**
   * Where a batch closes: a batch's records take at most this many bytes, unless it is a single
   * larger record. Measured in docs/BENCHMARKS.md. Every writer of batches (appends, the format 1
   * upgrade) packs records up to this size.
   */
  public static final int MAX_BATCH_BYTES = 64 * 1024;

  /** The batch's CRC32C, as stored in the crc column. */
  public static long crc(long baseOffset, byte[] records) {
    CRC32C crc = new CRC32C();
    byte[] base = new byte[8];
    ByteBuffer.wrap(base).putLong(baseOffset);
    crc.update(base, 0, 8);
    crc.update(records, 0, records.length);
    return crc.getValue();
  }

  /** The key, value and header bytes the batch holds: what size limits and retention count. */
  public static long sizeInBytes(byte[] records, long recordCount) {
    return records.length - RECORD_OVERHEAD_BYTES * recordCount;
  }

  /** The statement that inserts one batch into a log table; run it with {@link #insert}. */
  public static String insertSql(String table) {
    return "INSERT INTO "
        + table
        + " (last_offset, base_offset, record_count, max_timestamp_ms, records, crc)"
        + " VALUES (?, ?, ?, ?, ?, ?)";
  }

  /** Inserts one batch with {@link #insertSql}'s statement; computes its CRC. */
  public static void insert(
      PreparedStatement insert,
      long baseOffset,
      long lastOffset,
      int recordCount,
      long maxTimestampMs,
      byte[] records)
      throws SQLException {
    insert.setLong(1, lastOffset);
    insert.setLong(2, baseOffset);
    insert.setInt(3, recordCount);
    insert.setLong(4, maxTimestampMs);
    insert.setBytes(5, records);
    insert.setLong(6, crc(baseOffset, records));
    insert.executeUpdate();
  }

  /**
   * Appends one record to a batch being encoded, in the layout above: {@link
   * #RECORD_OVERHEAD_BYTES} plus the key, value and headers bytes.
   */
  public static void putRecord(
      ByteBuffer out, int offsetDelta, long timestampMs, byte[] key, byte[] value, byte[] headers) {
    out.putInt(offsetDelta).putLong(timestampMs);
    putField(out, key);
    putField(out, value);
    putField(out, headers);
  }

  private static void putField(ByteBuffer out, byte[] field) {
    if (field == null) {
      out.putInt(-1);
    } else {
      out.putInt(field.length).put(field);
    }
  }

  /**
   * Walks a batch's records in order without copying the ones it skips: {@link #next} reads a
   * record's fixed fields; {@link #key}, {@link #value} and {@link #headers} copy on demand.
   */
  public static final class Cursor {
    private final long baseOffset;
    private final byte[] records;
    private final ByteBuffer in;
    private long offset = Long.MIN_VALUE;
    private long timestampMs;
    private int keyAt;
    private int keyLength;
    private int valueAt;
    private int valueLength;
    private int headersAt;
    private int headersLength;

    public Cursor(long baseOffset, byte[] records) {
      this.baseOffset = baseOffset;
      this.records = records;
      this.in = ByteBuffer.wrap(records);
    }

    /**
     * Moves to the next record.
     *
     * @return false at the end of the batch
     * @throws IllegalArgumentException when the bytes are not a valid batch
     */
    public boolean next() {
      if (!in.hasRemaining()) {
        return false;
      }
      int at = in.position();
      if (in.remaining() < RECORD_OVERHEAD_BYTES) {
        throw malformed(at, in.remaining() + " bytes left, a record needs at least 24");
      }
      int delta = in.getInt();
      long next = baseOffset + delta;
      if (delta < 0 || (offset == Long.MIN_VALUE ? delta != 0 : next <= offset)) {
        throw malformed(
            at,
            "offset delta "
                + delta
                + (offset == Long.MIN_VALUE
                    ? " in the first record (must be 0)"
                    : " does not rise above " + (offset - baseOffset)));
      }
      offset = next;
      timestampMs = in.getLong();
      keyLength = in.getInt();
      keyAt = skip(keyLength, "key");
      valueLength = checkedLength("value");
      valueAt = skip(valueLength, "value");
      headersLength = checkedLength("headers");
      headersAt = skip(headersLength, "headers");
      return true;
    }

    private int checkedLength(String field) {
      if (in.remaining() < 4) {
        throw malformed(in.position(), "the " + field + " length is cut off");
      }
      return in.getInt();
    }

    private int skip(int length, String field) {
      int at = in.position();
      if (length < -1 || length > in.remaining()) {
        throw malformed(
            at - 4, field + " length " + length + " does not fit the " + in.remaining() + " left");
      }
      if (length > 0) {
        in.position(at + length);
      }
      return at;
    }

    private IllegalArgumentException malformed(int at, String what) {
      return new IllegalArgumentException("malformed batch at byte " + at + ": " + what);
    }

    public long offset() {
      return offset;
    }

    public long timestampMs() {
      return timestampMs;
    }

    public byte[] key() {
      return copy(keyAt, keyLength);
    }

    /** Whether the current record's key is {@code key}, without copying it. */
    public boolean keyEquals(byte[] key) {
      return keyLength == key.length
          && Arrays.equals(records, keyAt, keyAt + keyLength, key, 0, key.length);
    }

    public byte[] value() {
      return copy(valueAt, valueLength);
    }

    /** The key as a view of the batch (writing to it changes the batch); null for none. */
    public ByteBuffer keyView() {
      return view(keyAt, keyLength);
    }

    /** The value as a view of the batch (writing to it changes the batch); null for none. */
    public ByteBuffer valueView() {
      return view(valueAt, valueLength);
    }

    private ByteBuffer view(int at, int length) {
      return length < 0 ? null : ByteBuffer.wrap(records, at, length).slice();
    }

    /** The encoded headers, null when the record has none. */
    public byte[] headers() {
      return copy(headersAt, headersLength);
    }

    /** Key, value and header bytes of the current record. */
    public int sizeInBytes() {
      return Math.max(keyLength, 0) + Math.max(valueLength, 0) + Math.max(headersLength, 0);
    }

    private byte[] copy(int at, int length) {
      return length < 0 ? null : Arrays.copyOfRange(records, at, at + length);
    }
  }
}
