package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.onelog.Header;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  @Test
  void noHeadersEncodeAsNull() {
    assertNull(RecordCodec.encodeHeaders(List.of()));
    assertEquals(List.of(), RecordCodec.decodeHeaders(null));
  }

  @Test
  void headersRoundTripWithOrderDuplicatesAndNulls() {
    List<Header> headers =
        List.of(Header.of("a", "1"), Header.of("a", (byte[]) null), Header.of("ñ", ""));
    assertEquals(headers, RecordCodec.decodeHeaders(RecordCodec.encodeHeaders(headers)));
  }

  @Test
  void theEncodingIsTheDocumentedOne() {
    byte[] encoded =
        RecordCodec.encodeHeaders(
            List.of(Header.of("k", new byte[] {7}), Header.of("n", (byte[]) null)));
    byte[] expected = {0, 0, 0, 2, 0, 0, 0, 1, 'k', 0, 0, 0, 1, 7, 0, 0, 0, 1, 'n', -1, -1, -1, -1};
    assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(encoded));
  }

  @Test
  void encodedLengthMatchesTheEncoding() {
    List<Header> headers =
        List.of(
            Header.of("a", "1"), Header.of("ñ€😀", (byte[]) null), Header.of("x", new byte[40]));
    assertEquals(RecordCodec.encodeHeaders(headers).length, RecordCodec.encodedLength(headers));
    assertEquals(0, RecordCodec.encodedLength(List.of()));
  }

  @Test
  void aCountOfZeroDecodesAsNoHeaders() {
    // Writers never store it (no headers is headers length -1), but readers accept it.
    assertEquals(List.of(), RecordCodec.decodeHeaders(new byte[] {0, 0, 0, 0}));
  }

  @Test
  void aNameThatIsNotUtf8IsMalformedRatherThanReplaced() {
    for (byte[] name :
        new byte[][] {
          {(byte) 0xff}, // never valid in UTF-8
          {'a', (byte) 0xc3}, // cut off in the middle of a character
          {(byte) 0xc0, (byte) 0xaf}, // '/' in an overlong form
          {(byte) 0xed, (byte) 0xa0, (byte) 0x80} // a surrogate, U+D800
        }) {
      byte[] encoded = new byte[4 + 4 + name.length + 4];
      java.nio.ByteBuffer.wrap(encoded).putInt(1).putInt(name.length).put(name).putInt(-1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RecordCodec.decodeHeaders(encoded));
      assertEquals(
          "header 0's name is not valid UTF-8: " + java.util.HexFormat.of().formatHex(name),
          e.getMessage());
    }
  }

  @Test
  void aValueLengthBelowMinusOneIsMalformedRatherThanANullValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecordCodec.decodeHeaders(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, -1, -1, -1, -2}));
    assertEquals("header 0's value length is -2", e.getMessage());
  }

  @Test
  void malformedHeadersAreAClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RecordCodec.decodeHeaders(new byte[] {0, 0, 0, 1, 0, 0, 0, 9}));
    assertEquals(
        true,
        e.getMessage().contains("malformed") || e.getMessage().contains("count"),
        e.getMessage());
  }
}
