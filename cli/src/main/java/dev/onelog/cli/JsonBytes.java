package dev.onelog.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How a JSON record carries bytes (a key, a value, a header's value), written by {@code consume
 * --format json} and read back by {@code produce --format json}. Bytes that are valid UTF-8 are a
 * JSON string of their text; any other bytes are a JSON string of their base64 (RFC 4648, the
 * standard alphabet, padded), followed by a marker: a field named after the first with {@code
 * Encoding} added, whose value is {@code "base64"}. Null is {@code null}, without a marker.
 *
 * <pre>
 * "key":"order-1"                                  the text "order-1"
 * "key":"AP8=","keyEncoding":"base64"              the two bytes 00 ff
 * "value":null                                     no value (a tombstone)
 * {"name":"trace","value":"3q2+7w==","valueEncoding":"base64"}    a header's value
 * </pre>
 *
 * <p>Why a marker beside each field rather than base64 everywhere: text stays readable ({@code jq
 * -r .value}), and the output for UTF-8 data stays what it was before binary was kept. Why not
 * replacement characters, as before: U+FFFD loses the bytes, so a copy through a pipe was not a
 * copy. The check is strict (a decoder that reports malformed input rather than replacing it):
 * overlong forms, encoded surrogates and cut-off sequences are not UTF-8, since decoding them to
 * text and encoding the text again would give other bytes. Thread-safe: it keeps no state.
 */
final class JsonBytes {
  /** The one encoding a marker names. */
  static final String BASE64 = "base64";

  private JsonBytes() {}

  /** The name of the marker that says how {@code field} is encoded: {@code keyEncoding}. */
  static String markerName(String field) {
    return field + "Encoding";
  }

  /** Writes {@code "field":...}, and the marker after it when the bytes are not UTF-8. */
  static void write(JsonWriter json, String field, byte[] bytes) {
    json.name(field);
    if (bytes == null || isUtf8(bytes)) {
      json.value(bytes);
    } else {
      json.value(Base64.getEncoder().encodeToString(bytes)).name(markerName(field)).value(BASE64);
    }
  }

  /** Whether the bytes are valid UTF-8, checked strictly; ASCII, the common case, first. */
  static boolean isUtf8(byte[] bytes) {
    if (isAscii(bytes)) {
      return true;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }
}
