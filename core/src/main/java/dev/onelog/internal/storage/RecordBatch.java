package dev.onelog.internal.storage;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The {@code records} column of a log table row since format 6: one Kafka record batch, version 2
 * (magic 2), uncompressed, exactly as a Kafka broker stores and sends it, so that the Kafka server
 * stores what producers send and fetches copy stored rows. Stateless helpers; {@link Encoder} and
 * {@link BatchCursor} are one thread's.
 *
 * <pre>
 * batch header, 61 bytes, big-endian:
 *   0 int64 base offset          = the row's base_offset
 *   8 int32 batch length         = the blob's length - 12
 *  12 int32 partition leader epoch (writers write 0; readers ignore it)
 *  16 int8  magic                = 2
 *  17 int32 CRC32C (unsigned) of bytes 21 to the end
 *  21 int16 attributes           = 0: uncompressed, create time, not transactional, not control
 *  23 int32 last offset delta    = last_offset - base_offset
 *  27 int64 base timestamp       = the first record's timestamp
 *  35 int64 max timestamp        = the largest timestamp, as max_timestamp_ms
 *  43 int64 producer id, 51 int16 producer epoch, 53 int32 base sequence: -1 unless a Kafka
 *           producer's idempotent batch, kept as it came
 *  57 int32 record count         = record_count
 * then per record (varints as {@link Varints}):
 *   varint length of the rest, int8 attributes (0), varlong timestamp delta (from the base
 *   timestamp), varint offset delta (0 for the first record, then strictly rising), varint key
 *   length (-1 = null) and key, varint value length (-1 = null) and value, varint header count
 *   and the headers ({@link RecordCodec})
 * crc column: CRC32C, as an unsigned 32-bit integer, over int64 base_offset | records
 * </pre>
 *
 * A record's size, for limits and retention, is its key, value and encoded headers (none when it
 * has none), as in earlier formats.
 */
public final class RecordBatch {
  private RecordBatch() {}

  /** Bytes before the first record. */
  public static final int HEADER_BYTES = 61;

  /** At most this many bytes a record takes in a batch beyond its key, value and headers. */
  public static final int RECORD_OVERHEAD_BYTES = 21;

  /**
   * Where a batch closes: a batch's records take at most this many bytes, unless it is a single
   * larger record. Measured in docs/BENCHMARKS.md. Every writer of batches (appends, upgrades,
   * compaction) packs records up to this size.
   */
  public static final int MAX_BATCH_BYTES = 64 * 1024;

  private static final int CRC_OFFSET = 17;
  static final int ATTRIBUTES_OFFSET = 21;

  /** The batch's CRC32C, as stored in the crc column. */
  public static long crc(long baseOffset, byte[] records) {
    CRC32C crc = new CRC32C();
    byte[] base = new byte[8];
    ByteBuffer.wrap(base).putLong(baseOffset);
    crc.update(base, 0, 8);
    crc.update(records, 0, records.length);
    return crc.getValue();
  }

  /** The CRC32C Kafka's batch header holds: over its bytes from the attributes to the end. */
  public static long kafkaCrc(byte[] records) {
    CRC32C crc = new CRC32C();
    crc.update(records, ATTRIBUTES_OFFSET, records.length - ATTRIBUTES_OFFSET);
    return crc.getValue();
  }

  /** Whether the batch header's CRC matches its bytes (the crc column's check covers more). */
  public static boolean kafkaCrcMatches(byte[] records) {
    return records.length >= HEADER_BYTES
        && (ByteBuffer.wrap(records).getInt(CRC_OFFSET) & 0xffffffffL) == kafkaCrc(records);
  }

  /** The key, value and header bytes the batch holds: what size limits and retention count. */
  public static long sizeInBytes(byte[] records) {
    BatchCursor cursor = new BatchCursor(ByteBuffer.wrap(records).getLong(0), records);
    long bytes = 0;
    while (cursor.next()) {
      bytes += cursor.sizeInBytes();
    }
    return bytes;
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
   * The bytes a record takes in a batch: its length prefix and what follows. {@code headers} as
   * {@link RecordCodec#encodeHeaders}, null for none.
   */
  public static int recordSize(
      int offsetDelta, long timestampDelta, byte[] key, byte[] value, byte[] headers) {
    int body = bodySize(offsetDelta, timestampDelta, key, value, headers);
    return Varints.sizeOfInt(body) + body;
  }

  private static int bodySize(
      int offsetDelta, long timestampDelta, byte[] key, byte[] value, byte[] headers) {
    return 1
        + Varints.sizeOfLong(timestampDelta)
        + Varints.sizeOfInt(offsetDelta)
        + RecordCodec.fieldSize(key)
        + RecordCodec.fieldSize(value)
        + (headers == null ? 1 : headers.length);
  }

  /**
   * Writes one batch into a buffer: the records from byte {@value #HEADER_BYTES} on, then the
   * header when {@link #finish} knows them all.
   */
  public static final class Encoder {
    private final ByteBuffer out;
    private final int start;
    private final long baseOffset;
    private final long baseTimestampMs;
    private long maxTimestampMs = Long.MIN_VALUE;
    private int lastOffsetDelta = -1;
    private int count;

    /**
     * Starts a batch at {@code out}'s position, whose first record will be at {@code baseOffset}
     * with timestamp {@code baseTimestampMs}. {@code out} must have room for the header and every
     * record's {@link #recordSize}.
     */
    public Encoder(ByteBuffer out, long baseOffset, long baseTimestampMs) {
      this.out = out;
      this.start = out.position();
      this.baseOffset = baseOffset;
      this.baseTimestampMs = baseTimestampMs;
      out.position(start + HEADER_BYTES);
    }

    /** Appends a record; offsets must rise, the first being the base offset. */
    public void add(long offset, long timestampMs, byte[] key, byte[] value, byte[] headers) {
      int offsetDelta = Math.toIntExact(offset - baseOffset);
      putRecord(out, offsetDelta, timestampMs - baseTimestampMs, key, value, headers);
      maxTimestampMs = Math.max(maxTimestampMs, timestampMs);
      lastOffsetDelta = offsetDelta;
      count++;
    }

    public int count() {
      return count;
    }

    public long maxTimestampMs() {
      return maxTimestampMs;
    }

    public long lastOffset() {
      return baseOffset + lastOffsetDelta;
    }

    /** Bytes written so far, header included. */
    public int size() {
      return out.position() - start;
    }

    /**
     * Writes the header; the batch is {@code out}'s bytes from where it started to its position.
     */
    public void finish() {
      putHeader(
          out,
          start,
          out.position(),
          baseOffset,
          lastOffsetDelta,
          baseTimestampMs,
          maxTimestampMs,
          count);
    }

    /** {@link #finish}es and copies the batch out. */
    public byte[] toBytes() {
      finish();
      byte[] array = out.array();
      int from = out.arrayOffset() + start;
      return Arrays.copyOfRange(array, from, from + size());
    }
  }

  /**
   * Writes one record at {@code out}'s position, {@link #recordSize} bytes: its length, attributes,
   * timestamp and offset deltas, key, value and headers ({@link RecordCodec#encodeHeaders}, null
   * for none).
   */
  public static void putRecord(
      ByteBuffer out,
      int offsetDelta,
      long timestampDelta,
      byte[] key,
      byte[] value,
      byte[] headers) {
    Varints.putInt(out, bodySize(offsetDelta, timestampDelta, key, value, headers));
    out.put((byte) 0);
    Varints.putLong(out, timestampDelta);
    Varints.putInt(out, offsetDelta);
    RecordCodec.putField(out, key);
    RecordCodec.putField(out, value);
    if (headers == null) {
      Varints.putInt(out, 0);
    } else {
      out.put(headers);
    }
  }

  /**
   * Writes the header of the batch whose bytes are {@code out}'s from {@code start} to {@code end}
   * (records written by {@link #putRecord} after {@link #HEADER_BYTES} reserved bytes), its CRC
   * included.
   */
  public static void putHeader(
      ByteBuffer out,
      int start,
      int end,
      long baseOffset,
      int lastOffsetDelta,
      long baseTimestampMs,
      long maxTimestampMs,
      int count) {
    out.putLong(start, baseOffset)
        .putInt(start + 8, end - start - 12)
        .putInt(start + 12, 0)
        .put(start + 16, (byte) 2)
        .putShort(start + ATTRIBUTES_OFFSET, (short) 0)
        .putInt(start + 23, lastOffsetDelta)
        .putLong(start + 27, baseTimestampMs)
        .putLong(start + 35, maxTimestampMs)
        .putLong(start + 43, -1L)
        .putShort(start + 51, (short) -1)
        .putInt(start + 53, -1)
        .putInt(start + 57, count);
    CRC32C crc = new CRC32C();
    ByteBuffer covered = out.duplicate();
    covered.position(start + ATTRIBUTES_OFFSET).limit(end);
    crc.update(covered);
    out.putInt(start + CRC_OFFSET, (int) crc.getValue());
  }
}
