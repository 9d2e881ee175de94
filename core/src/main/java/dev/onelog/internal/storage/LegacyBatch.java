package dev.onelog.internal.storage;

import dev.onelog.Header;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The {@code records} blob of formats 2 to 5, which format 6 replaced with Kafka's record batch v2
 * ({@link RecordBatch}): read only by the upgrade ({@link FormatUpgrade}), which rewrites every
 * batch, and by tests that make files of those formats. Stateless helpers; {@link Cursor} is one
 * thread's.
 *
 * <pre>
 * per record, big-endian, no padding:
 *   int32 offset delta     offset - base_offset; 0 for the first record, then strictly rising
 *   int64 timestamp_ms
 *   int32 key length       -1 = NULL key,     then the key's bytes
 *   int32 value length     -1 = NULL value,   then the value's bytes
 *   int32 headers length   -1 = no headers,   then the headers: int32 count, then per header
 *                          int32 name length, name (UTF-8), int32 value length (-1 = null), value
 * crc column: CRC32C (Castagnoli), as an unsigned 32-bit integer, over
 *   int64 base_offset | records
 * </pre>
 */
public final class LegacyBatch {
  private LegacyBatch() {}

  /** The fixed bytes of one record in a batch: delta, timestamp and three lengths. */
  public static final int RECORD_OVERHEAD_BYTES = 24;

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

  /** Headers as formats 2 to 5 encode them: null for none. */
  public static byte[] encodeHeaders(List<Header> headers) {
    if (headers.isEmpty()) {
      return null;
    }
    int size = 4;
    List<byte[]> names = new ArrayList<>(headers.size());
    for (Header header : headers) {
      byte[] name = header.name().getBytes(StandardCharsets.UTF_8);
      names.add(name);
      size += 8 + name.length + (header.value() == null ? 0 : header.value().length);
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      byte[] name = names.get(i);
      byte[] value = headers.get(i).value();
      out.putInt(name.length).put(name);
      if (value == null) {
        out.putInt(-1);
      } else {
        out.putInt(value.length).put(value);
      }
    }
    return out.array();
  }

  /**
   * Decodes headers as formats 2 to 5 encode them; null decodes to no headers.
   *
   * @throws IllegalArgumentException when the bytes are not a valid encoding, a name's included
   */
  public static List<Header> decodeHeaders(byte[] encoded) {
    if (encoded == null) {
      return Collections.emptyList();
    }
    try {
      // new String(bytes, UTF_8) would replace bad bytes silently; this decoder reports them.
      CharsetDecoder utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = ByteBuffer.wrap(encoded);
      int count = in.getInt();
      if (count < 0 || count > encoded.length / 8) {
        throw new IllegalArgumentException(
            "header count " + count + " does not fit " + encoded.length + " bytes");
      }
      List<Header> headers = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        // Lengths are checked against the bytes left before allocating: a damaged length must
        // not make the upgrade allocate gigabytes.
        int nameLength = in.getInt();
        if (nameLength < 0 || nameLength > in.remaining()) {
          throw new IllegalArgumentException(
              "header " + i + "'s name length " + nameLength + " does not fit");
        }
        byte[] name = new byte[nameLength];
        in.get(name);
        int valueLength = in.getInt();
        if (valueLength < -1 || valueLength > in.remaining()) {
          throw new IllegalArgumentException(
              "header " + i + "'s value length " + valueLength + " does not fit");
        }
        byte[] value = null;
        if (valueLength >= 0) {
          value = new byte[valueLength];
          in.get(value);
        }
        headers.add(new Header(decodeName(utf8, name, i), value));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(
            in.remaining() + " bytes left after " + count + " headers");
      }
      return Collections.unmodifiableList(headers);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException("malformed headers: " + e, e);
    }
  }

  private static String decodeName(CharsetDecoder utf8, byte[] name, int index) {
    try {
      return utf8.decode(ByteBuffer.wrap(name)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "header " + index + "'s name is not valid UTF-8: " + HexFormat.of().formatHex(name), e);
    }
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

    public byte[] value() {
      return copy(valueAt, valueLength);
    }

    /** The headers as formats 2 to 5 encode them ({@link #decodeHeaders}), null for none. */
    public byte[] headers() {
      return copy(headersAt, headersLength);
    }

    private byte[] copy(int at, int length) {
      return length < 0 ? null : Arrays.copyOfRange(records, at, at + length);
    }
  }
}
