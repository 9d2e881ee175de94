package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onelog.Header;
import dev.onelog.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code consume --format json} prints for keys, values and header values of any bytes. */
class JsonBytesTest {
  static final ObjectMapper JACKSON = new ObjectMapper();

  private static String json(LogRecord record) {
    LineBuffer line = new LineBuffer();
    RecordFormat.JSON.append(record, new byte[0], line);
    return line.toString();
  }

  private static LogRecord record(byte[] key, byte[] value, List<Header> headers) {
    return new LogRecord("t", 0, 7, 1714564800000L, key, value, headers);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  @Test
  void utf8FieldsAreTextWithoutMarkers() {
    assertEquals(
        "{\"topic\":\"t\",\"partition\":0,\"offset\":7,\"timestamp\":1714564800000,"
            + "\"key\":\"clé\",\"value\":null,"
            + "\"headers\":[{\"name\":\"h\",\"value\":\"x\"},{\"name\":\"n\",\"value\":null}]}",
        json(
            record(
                "clé".getBytes(StandardCharsets.UTF_8),
                null,
                List.of(Header.of("h", "x"), Header.of("n", (byte[]) null)))));
  }

  @Test
  void bytesThatAreNotUtf8AreBase64WithAMarkerAfterThem() {
    assertEquals(
        "{\"topic\":\"t\",\"partition\":0,\"offset\":7,\"timestamp\":1714564800000,"
            + "\"key\":\"AP8=\",\"keyEncoding\":\"base64\","
            + "\"value\":\"3q2+7w==\",\"valueEncoding\":\"base64\","
            + "\"headers\":[{\"name\":\"bin\",\"value\":\"gA==\",\"valueEncoding\":\"base64\"},"
            + "{\"name\":\"text\",\"value\":\"ok\"}]}",
        json(
            record(
                bytes(0x00, 0xff),
                bytes(0xde, 0xad, 0xbe, 0xef),
                List.of(Header.of("bin", bytes(0x80)), Header.of("text", "ok")))));
  }

  @Test
  void theCheckIsStrict() {
    assertTrue(JsonBytes.isUtf8(new byte[0]));
    assertTrue(JsonBytes.isUtf8("é 😀 \u0000".getBytes(StandardCharsets.UTF_8)));
    assertFalse(JsonBytes.isUtf8(bytes(0xc0, 0x80)), "overlong NUL");
    assertFalse(JsonBytes.isUtf8(bytes(0xed, 0xa0, 0x80)), "encoded surrogate U+D800");
    assertFalse(JsonBytes.isUtf8(bytes('a', 0xc3)), "cut off after the first byte of two");
    assertFalse(JsonBytes.isUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), "above U+10FFFF");
  }

  @Test
  void everySingleByteValueSurvivesAsTextOrBase64() throws Exception {
    List<byte[]> values = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      values.add(bytes(b));
    }
    values.add(bytes(0xc0, 0x80));
    values.add(bytes(0xe2, 0x82, 0xac)); // the euro sign, valid
    for (byte[] value : values) {
      JsonNode node = JACKSON.readTree(json(record(null, value, List.of())));
      byte[] back =
          node.has("valueEncoding")
              ? Base64.getDecoder().decode(node.get("value").asText())
              : node.get("value").asText().getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(value, back, Arrays.toString(value));
    }
  }
}
