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
