package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onelog.Header;
import dev.onelog.internal.Allocations;
import java.util.List;

/**
 * Fuzzes {@link RecordCodec#decodeHeaders}, which reads the headers of every stored record.
 * Contract on arbitrary bytes: a list of headers or IllegalArgumentException, never another
 * exception, allocating in proportion to the input; and what it decodes encodes and decodes back to
 * the same headers.
 *
 * <p>Regression inputs: {@code RecordCodecFuzzTestInputs/headersDecodeOrRefuse/}.
 */
class RecordCodecFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void headersDecodeOrRefuse(byte[] encoded) {
    Allocations.assertAtMost(
        1024 * 1024 + 256L * encoded.length, "decoding headers", () -> decode(encoded));
    List<Header> headers = decode(encoded);
    if (headers == null) {
      return;
    }
    List<Header> again = RecordCodec.decodeHeaders(RecordCodec.encodeHeaders(headers));
    assertEquals(headers.size(), again.size());
    for (int i = 0; i < headers.size(); i++) {
      assertEquals(headers.get(i).name(), again.get(i).name());
      assertArrayEquals(headers.get(i).value(), again.get(i).value());
    }
  }

  /** The headers, or null when the decoder refuses the bytes as it documents. */
  private static List<Header> decode(byte[] encoded) {
    try {
      return RecordCodec.decodeHeaders(encoded);
    } catch (IllegalArgumentException expected) {
      return null;
    }
  }
}
