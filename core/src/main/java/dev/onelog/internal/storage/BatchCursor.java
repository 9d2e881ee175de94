package dev.onelog.internal.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Walks a batch's records in order without copying the ones it skips: {@link #next} reads a
 * record's fixed fields; {@link #key}, {@link #value} and {@link #headers} copy on demand. Creating
 * one checks the header against the row's base offset and the blob; walking to the end checks the
 * record count, the last offset delta and the max timestamp against the header.
 *
 * <p>{@link #next} decodes straight from the array with an index bounded by the record's end,
 * rather than through a {@link ByteBuffer} slice per record: a scan decodes every record of every
 * batch, and the slice, its bounds checks and {@link Varints}' buffer reads were a fifth of a
 * consumer's CPU (docs/BENCHMARKS.md, "Scan"). The checks are those of the page, each one kept:
 * every length against the bytes left in its record, every varint against its longest form and the
 * record's end.
 */
public final class BatchCursor {
  private final long baseOffset;
  private final byte[] records;
  private final int recordCount;
  private final int lastOffsetDelta;
  private final long baseTimestampMs;
  private final long maxTimestampMs;

  /** Where the next record starts. */
  private int position = RecordBatch.HEADER_BYTES;

  /** Where the record being decoded ends; {@link #varint} and {@link #varlong} stop there. */
  private int recordEnd;

  private int walked;
  private long offset = Long.MIN_VALUE;
  private long timestampMs;
  private long largestTimestampMs = Long.MIN_VALUE;
  private int keyAt;
  private int keyLength;
  private int valueAt;
  private int valueLength;
  private int headersAt;
  private int headersLength;

  /**
   * @throws IllegalArgumentException when the header does not describe a batch of this format at
   *     {@code baseOffset} of this length
   */
  public BatchCursor(long baseOffset, byte[] records) {
    this.baseOffset = baseOffset;
    this.records = records;
    ByteBuffer in = ByteBuffer.wrap(records);
    if (records.length < RecordBatch.HEADER_BYTES) {
      throw malformed(
          0, records.length + " bytes, a batch needs at least " + RecordBatch.HEADER_BYTES);
    }
    if (in.getLong(0) != baseOffset) {
      throw malformed(0, "its base offset is " + in.getLong(0) + ", its row's " + baseOffset);
    }
    if (in.getInt(8) != records.length - 12) {
      throw malformed(8, "its length says " + in.getInt(8) + ", not " + (records.length - 12));
    }
    if (in.get(16) != 2) {
      throw malformed(16, "magic " + in.get(16) + "; this format stores magic 2");
    }
    if (in.getShort(RecordBatch.ATTRIBUTES_OFFSET) != 0) {
      throw malformed(
          RecordBatch.ATTRIBUTES_OFFSET,
          "attributes "
              + in.getShort(RecordBatch.ATTRIBUTES_OFFSET)
              + "; this format stores 0 (uncompressed, create time, no transaction)");
    }
    lastOffsetDelta = in.getInt(23);
    baseTimestampMs = in.getLong(27);
    maxTimestampMs = in.getLong(35);
    recordCount = in.getInt(57);
  }

  /**
   * Moves to the next record.
   *
   * @return false at the end of the batch
   * @throws IllegalArgumentException when the bytes are not a valid batch
   */
  public boolean next() {
    if (position == records.length) {
      checkEnd();
      return false;
    }
    int at = position;
    recordEnd = records.length;
    int length = varint(at);
    int bodyAt = position;
    if (length < 0 || length > records.length - bodyAt) {
      throw malformed(
          at, "record length " + length + " does not fit the " + (records.length - bodyAt));
    }
    recordEnd = bodyAt + length;
    if (length == 0) {
      throw malformed(at, "the record is cut off");
    }
    position++; // attributes, unused by records of magic 2
    long timestampDelta = varlong(at);
    int delta = varint(at);
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
    timestampMs = baseTimestampMs + timestampDelta;
    largestTimestampMs = Math.max(largestTimestampMs, timestampMs);
    keyLength = field(at, bodyAt, "key");
    keyAt = position - Math.max(keyLength, 0);
    valueLength = field(at, bodyAt, "value");
    valueAt = position - Math.max(valueLength, 0);
    headersAt = position;
    int count = varint(at);
    if (count < 0) {
      throw malformed(at, "header count " + count);
    }
    for (int i = 0; i < count; i++) {
      if (field(at, bodyAt, "header name") < 0) {
        throw malformed(at, "header " + i + " has no name");
      }
      field(at, bodyAt, "header value");
    }
    if (position != recordEnd) {
      throw malformed(at, (recordEnd - position) + " bytes left after the record's headers");
    }
    headersLength = count == 0 ? -1 : recordEnd - headersAt;
    walked++;
    return true;
  }

  /**
   * Reads a varint length and skips the bytes; returns the length (-1 for null). {@code bodyAt}
   * names the record's body in the message, as before this cursor read arrays.
   */
  private int field(int at, int bodyAt, String what) {
    int length = varint(at);
    int left = recordEnd - position;
    if (length < -1 || length > left) {
      throw malformed(bodyAt, what + " length " + length + " does not fit the " + left + " left");
    }
    if (length > 0) {
      position += length;
    }
    return length;
  }

  /**
   * {@link Varints#getInt} on the array from {@link #position}, which it advances, never past
   * {@link #recordEnd}; {@code at} is the record's start, for the message.
   */
  private int varint(int at) {
    int p = position;
    if (recordEnd - p >= 2) { // the common forms first: values below 64, then below 8192
      int b0 = records[p];
      if (b0 >= 0) {
        position = p + 1;
        return (b0 >>> 1) ^ -(b0 & 1);
      }
      int b1 = records[p + 1];
      if (b1 >= 0) {
        position = p + 2;
        int raw = (b0 & 0x7f) | (b1 << 7);
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    int raw = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (p >= recordEnd) {
        throw malformed(at, "a varint is cut off at byte " + p);
      }
      byte b = records[p++];
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        position = p;
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw malformed(at, "a varint longer than 5 bytes ends at byte " + p);
  }

  /** {@link Varints#getLong} as {@link #varint} reads {@link Varints#getInt}. */
  private long varlong(int at) {
    int p = position;
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p >= recordEnd) {
        throw malformed(at, "a varlong is cut off at byte " + p);
      }
      byte b = records[p++];
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        position = p;
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw malformed(at, "a varlong longer than 10 bytes ends at byte " + p);
  }

  private void checkEnd() {
    if (walked != recordCount) {
      throw malformed(57, "its header counts " + recordCount + " records, it holds " + walked);
    }
    if (offset - baseOffset != lastOffsetDelta) {
      throw malformed(
          23,
          "its header's last offset delta is "
              + lastOffsetDelta
              + ", its last record's "
              + (offset - baseOffset));
    }
    if (largestTimestampMs != maxTimestampMs) {
      throw malformed(
          35,
          "its header's max timestamp is "
              + maxTimestampMs
              + ", its records' "
              + largestTimestampMs);
    }
  }

  private IllegalArgumentException malformed(int at, String what) {
    return new IllegalArgumentException("malformed batch at byte " + at + ": " + what);
  }

  public long offset() {
    return offset;
  }

  /** The records its header counts. */
  public int count() {
    return recordCount;
  }

  public long timestampMs() {
    return timestampMs;
  }

  public byte[] key() {
    return copy(keyAt, keyLength);
  }

  /** Whether the current record has a key (an empty one included). */
  public boolean hasKey() {
    return keyLength >= 0;
  }

  /** Whether the current record's key is {@code key}, without copying it. */
  public boolean keyEquals(byte[] key) {
    return keyLength == key.length
        && Arrays.equals(records, keyAt, keyAt + keyLength, key, 0, key.length);
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

  public byte[] value() {
    return copy(valueAt, valueLength);
  }

  /** The encoded headers ({@link RecordCodec#decodeHeaders}), null when the record has none. */
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
