package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonWriterTest {
  static final ObjectMapper JACKSON = new ObjectMapper();

  private static String write(java.util.function.Consumer<JsonWriter> writes) {
    LineBuffer buffer = new LineBuffer();
    writes.accept(new JsonWriter(buffer));
    return buffer.toString();
  }

  @Test
  void escapesQuoteBackslashAndControlCharacters() {
    assertEquals(
        "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\"",
        write(j -> j.value("a\"b\\c\n\r\t\b\f\u0000\u001f")));
  }

  @Test
  void fractionsAreJsonNumbersAndNanIsRefused() throws Exception {
    String json = write(j -> j.beginArray().value(0.5).value(1.0e-4).value(0.0).endArray());
    assertEquals("[0.5,1.0E-4,0.0]", json);
    assertEquals(1.0e-4, JACKSON.readTree(json).get(1).asDouble());
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> write(j -> j.value(Double.NaN)));
  }

  @Test
  void writesNonAsciiAsUtf8() {
    String text = "é 😀 \u2028 \u007f";
    assertEquals("\"" + text + "\"", write(j -> j.value(text.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void nullsAreJsonNull() {
    assertEquals(
        "[null,null,null]",
        write(
            j -> j.beginArray().value((String) null).value((byte[]) null).nullValue().endArray()));
  }

  @Test
  void placesCommasInNestedObjectsAndArrays() {
    String json =
        write(
            j ->
                j.beginObject()
                    .name("a")
                    .value(1)
                    .name("b")
                    .beginArray()
                    .beginObject()
                    .name("x")
                    .value("y")
                    .endObject()
                    .beginObject()
                    .endObject()
                    .endArray()
                    .name("c")
                    .beginArray()
                    .endArray()
                    .endObject());
    assertEquals("{\"a\":1,\"b\":[{\"x\":\"y\"},{}],\"c\":[]}", json);
  }

  @Test
  void malformedUtf8BecomesReplacementCharacters() throws Exception {
    byte[] bytes = {'a', (byte) 0xff, 'b', (byte) 0xc3};
    assertEquals("a\ufffdb\ufffd", JACKSON.readTree(write(j -> j.value(bytes))).asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "\"",
        "\\",
        "\u0001",
        "line\nbreak",
        "tab\there",
        "mixed \"é\" \\ 😀\u0000"
      })
  void jacksonReadsBackTheSameString(String text) throws Exception {
    JsonNode node =
        JACKSON.readTree(
            write(
                j ->
                    j.beginObject()
                        .name(text)
                        .value(text.getBytes(StandardCharsets.UTF_8))
                        .endObject()));
    assertEquals(text, node.get(text).asText());
  }

  @Test
  void randomStringsRoundTripThroughJackson() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(20); n > 0; n--) {
        int kind = random.nextInt(4);
        text.appendCodePoint(
            kind == 0
                ? random.nextInt(0x20)
                : kind == 1
                    ? 0x20 + random.nextInt(0x60)
                    : kind == 2 ? 0xa0 + random.nextInt(0xd000) : 0x10000 + random.nextInt(0x1000));
      }
      String json = write(j -> j.value(text.toString().getBytes(StandardCharsets.UTF_8)));
      assertEquals(text.toString(), JACKSON.readTree(json).asText(), "seed " + seed + ": " + json);
    }
  }

  @Test
  void closingWhatIsNotOpenThrows() {
    assertThrows(IllegalStateException.class, () -> new JsonWriter(new LineBuffer()).endObject());
  }
}
