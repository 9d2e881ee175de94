package dev.onelog.cli;

import java.nio.charset.StandardCharsets;

/**
 * Writes JSON (RFC 8259) into a {@link LineBuffer}, placing commas itself. Strings are written as
 * UTF-8; {@code "}, {@code \} and control characters are escaped, everything else (non-ASCII
 * included) is written as it is. Byte arrays that are not valid UTF-8 are decoded with U+FFFD in
 * place of each malformed sequence, so the output is always valid JSON. Not thread-safe.
 *
 * <pre>{@code
 * json.beginObject().name("offset").value(42).name("key").value((byte[]) null).endObject();
 * // {"offset":42,"key":null}
 * }</pre>
 */
final class JsonWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_DEPTH = 64;

  private final LineBuffer out;

  /** Per nesting level: whether a value was written there, so the next one needs a comma. */
  private final boolean[] hasValue = new boolean[MAX_DEPTH];

  private int depth;
  private boolean afterName;

  JsonWriter(LineBuffer out) {
    this.out = out;
  }

  JsonWriter beginObject() {
    return open('{');
  }

  JsonWriter endObject() {
    return close('}');
  }

  JsonWriter beginArray() {
    return open('[');
  }

  JsonWriter endArray() {
    return close(']');
  }

  JsonWriter name(String name) {
    separate();
    writeString(name);
    out.append((byte) ':');
    afterName = true;
    return this;
  }

  JsonWriter value(long number) {
    separate();
    out.append(number);
    return this;
  }

  /**
   * A finite number as Java prints a double ({@code 0.5}, {@code 1.0E-4}), which JSON accepts.
   *
   * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot hold
   */
  JsonWriter value(double number) {
    if (!Double.isFinite(number)) {
      throw new IllegalArgumentException("JSON has no " + number);
    }
    separate();
    out.appendAscii(Double.toString(number));
    return this;
  }

  /** A string, or null. */
  JsonWriter value(String text) {
    separate();
    if (text == null) {
      out.appendAscii("null");
    } else {
      writeString(text);
    }
    return this;
  }

  /** UTF-8 bytes as a string, or null. */
  JsonWriter value(byte[] utf8) {
    separate();
    if (utf8 == null) {
      out.appendAscii("null");
    } else if (isPlainAscii(utf8)) {
      out.append((byte) '"').append(utf8).append((byte) '"');
    } else {
      writeString(new String(utf8, StandardCharsets.UTF_8));
    }
    return this;
  }

  JsonWriter value(boolean flag) {
    separate();
    out.appendAscii(flag ? "true" : "false");
    return this;
  }

  JsonWriter nullValue() {
    separate();
    out.appendAscii("null");
    return this;
  }

  /** The common case, checked first so that most values are copied without decoding. */
  private static boolean isPlainAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x20 || b == '"' || b == '\\') { // negative: a byte of a multi-byte UTF-8 sequence
        return false;
      }
    }
    return true;
  }

  private void writeString(String text) {
    out.append((byte) '"');
    int plainFrom = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.appendUtf8(text.substring(plainFrom, i));
      plainFrom = i + 1;
      switch (c) {
        case '"' -> out.appendAscii("\\\"");
        case '\\' -> out.appendAscii("\\\\");
        case '\n' -> out.appendAscii("\\n");
        case '\r' -> out.appendAscii("\\r");
        case '\t' -> out.appendAscii("\\t");
        case '\b' -> out.appendAscii("\\b");
        case '\f' -> out.appendAscii("\\f");
        default -> out.appendAscii("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.appendUtf8(text.substring(plainFrom));
    out.append((byte) '"');
  }

  private JsonWriter open(char bracket) {
    separate();
    if (depth + 1 >= MAX_DEPTH) {
      throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
    }
    out.append((byte) bracket);
    hasValue[++depth] = false;
    return this;
  }

  private JsonWriter close(char bracket) {
    if (depth == 0) {
      throw new IllegalStateException("no open JSON object or array to close with " + bracket);
    }
    depth--;
    out.append((byte) bracket);
    return this;
  }

  private void separate() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (depth > 0) {
      if (hasValue[depth]) {
        out.append((byte) ',');
      }
      hasValue[depth] = true;
    }
  }
}
