package dev.onelog.internal.storage;

import dev.onelog.Header;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Encodes a record's headers as a {@link RecordBatch} stores them (Kafka's record format v2), and
 * measures records. Stateless and thread-safe.
 *
 * <pre>
 * headers: varint count, then per header:
 *   varint name length, name (UTF-8), varint value length (-1 = null value), value
 * </pre>
 *
 * A record without headers has none of these bytes in Java's hands (null) and a count of 0 in its
 * batch. Decoding refuses a name that is not valid UTF-8 rather than replace its bytes: no writer
 * following docs/FORMAT.md produces one, so it means damage.
 */
public final class RecordCodec {
  private RecordCodec() {}

  /** The encoded headers, count first: null for none. */
  public static byte[] encodeHeaders(List<Header> headers) {
    if (headers.isEmpty()) {
      return null;
    }
    List<byte[]> names = new ArrayList<>(headers.size());
    int size = Varints.sizeOfInt(headers.size());
    for (Header header : headers) {
      byte[] name = header.name().getBytes(StandardCharsets.UTF_8);
      names.add(name);
      size += fieldSize(name) + fieldSize(header.value());
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    Varints.putInt(out, headers.size());
    for (int i = 0; i < headers.size(); i++) {
      putField(out, names.get(i));
      putField(out, headers.get(i).value());
    }
    return out.array();
  }

  /** A varint length (-1 for null) and the bytes. */
  static int fieldSize(byte[] field) {
    return field == null ? 1 : Varints.sizeOfInt(field.length) + field.length;
  }

  static void putField(ByteBuffer out, byte[] field) {
    if (field == null) {
      Varints.putInt(out, -1);
    } else {
      Varints.putInt(out, field.length);
      out.put(field);
    }
  }

  /**
   * Decodes encoded headers; null decodes to no headers.
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
      int count = Varints.getInt(in);
      if (count < 0 || count > encoded.length / 2) {
        throw new IllegalArgumentException(
            "header count " + count + " does not fit " + encoded.length + " bytes");
      }
      List<Header> headers = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int nameLength = Varints.getInt(in);
        if (nameLength < 0 || nameLength > in.remaining()) {
          throw new IllegalArgumentException(
              "header " + i + "'s name length " + nameLength + " does not fit");
        }
        byte[] name = new byte[nameLength];
        in.get(name);
        int valueLength = Varints.getInt(in);
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

  /** The length of {@link #encodeHeaders}'s result, without encoding: 0 for no headers. */
  public static int encodedLength(List<Header> headers) {
    if (headers.isEmpty()) {
      return 0;
    }
    int size = Varints.sizeOfInt(headers.size());
    for (Header header : headers) {
      int name = utf8Length(header.name());
      size += Varints.sizeOfInt(name) + name;
      size +=
          header.value() == null
              ? 1
              : Varints.sizeOfInt(header.value().length) + header.value().length;
    }
    return size;
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The bytes a record counts for size limits and retention: key, value and headers. */
  public static long sizeInBytes(byte[] key, byte[] value, byte[] headers) {
    return (long) length(key) + length(value) + length(headers);
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
