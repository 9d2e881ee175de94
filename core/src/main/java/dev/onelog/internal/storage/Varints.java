package dev.onelog.internal.storage;

import java.nio.ByteBuffer;

/**
 * Kafka's variable-length integers, as Protocol Buffers' {@code sint32} and {@code sint64}: the
 * value zigzag-encoded ({@code (n << 1) ^ (n >> 31)}, so small negative numbers stay short), then
 * written 7 bits at a time, least significant first, the top bit of each byte set when more follow.
 * An int takes 1 to 5 bytes, a long 1 to 10. Stateless.
 */
public final class Varints {
  private Varints() {}

  public static int sizeOfInt(int value) {
    int v = (value << 1) ^ (value >> 31);
    int bytes = 1;
    while ((v & 0xffffff80) != 0) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }

  public static int sizeOfLong(long value) {
    long v = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((v & 0xffffffffffffff80L) != 0) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }

  public static void putInt(ByteBuffer out, int value) {
    int v = (value << 1) ^ (value >> 31);
    while ((v & 0xffffff80) != 0) {
      out.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  public static void putLong(ByteBuffer out, long value) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & 0xffffffffffffff80L) != 0) {
      out.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  /**
   * @throws IllegalArgumentException when more than 5 bytes have the top bit set, or the bytes end
   */
  public static int getInt(ByteBuffer in) {
    int raw = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!in.hasRemaining()) {
        throw new IllegalArgumentException("a varint is cut off at byte " + in.position());
      }
      byte b = in.get();
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new IllegalArgumentException(
        "a varint longer than 5 bytes ends at byte " + in.position());
  }

  /**
   * @throws IllegalArgumentException when more than 10 bytes have the top bit set, or the bytes end
   */
  public static long getLong(ByteBuffer in) {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (!in.hasRemaining()) {
        throw new IllegalArgumentException("a varlong is cut off at byte " + in.position());
      }
      byte b = in.get();
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new IllegalArgumentException(
        "a varlong longer than 10 bytes ends at byte " + in.position());
  }
}
