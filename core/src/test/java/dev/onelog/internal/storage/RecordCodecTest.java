package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    // Kafka's: varint count 2 (zigzag 4), then name length 1 (2), "k", value length 1 (2), 7,
    // name length 1, "n", value length -1 (zigzag 1)
    byte[] expected = {4, 2, 'k', 2, 7, 2, 'n', 1};
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
    // How a batch stores a record without headers, which Java reads as no headers at all.
    assertEquals(List.of(), RecordCodec.decodeHeaders(new byte[] {0}));
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
      byte[] encoded = new byte[1 + 1 + name.length + 1];
      java.nio.ByteBuffer.wrap(encoded)
          .put((byte) 2)
          .put((byte) (2 * name.length))
          .put(name)
          .put((byte) 1);
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
            IllegalArgumentException.class, () -> RecordCodec.decodeHeaders(new byte[] {2, 0, 3}));
    assertEquals("header 0's value length -2 does not fit", e.getMessage());
  }

  @Test
  void malformedHeadersAreAClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RecordCodec.decodeHeaders(new byte[] {2, 18}));
    assertEquals("header 0's name length 9 does not fit", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> RecordCodec.decodeHeaders(new byte[] {4, 2}));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
  }
}
