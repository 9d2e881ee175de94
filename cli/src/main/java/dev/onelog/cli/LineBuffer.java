package dev.onelog.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one line of output, built up without locks and then written with one call. {@code
 * BufferedOutputStream}'s methods are synchronized, so writing a record byte by byte would take a
 * lock per byte; a line takes one. Not thread-safe.
 */
final class LineBuffer {
  private byte[] bytes = new byte[256];
  private int length;

  LineBuffer append(byte b) {
    ensureRoom(1);
    bytes[length++] = b;
    return this;
  }

  LineBuffer append(byte[] source) {
    return append(source, 0, source.length);
  }

  LineBuffer append(byte[] source, int offset, int count) {
    ensureRoom(count);
    System.arraycopy(source, offset, bytes, length, count);
    length += count;
    return this;
  }

  /** Appends characters below U+0080 as themselves; callers pass only ASCII. */
  LineBuffer appendAscii(String ascii) {
    int count = ascii.length();
    ensureRoom(count);
    for (int i = 0; i < count; i++) {
      bytes[length++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  LineBuffer appendUtf8(String text) {
    return append(text.getBytes(StandardCharsets.UTF_8));
  }

  LineBuffer append(long number) {
    return appendAscii(Long.toString(number));
  }

  int length() {
    return length;
  }

  /** Writes the buffered bytes with one call and empties the buffer. */
  void writeTo(OutputStream out) throws IOException {
    out.write(bytes, 0, length);
    length = 0;
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  private void ensureRoom(int count) {
    if (bytes.length - length < count) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
    }
  }
}
