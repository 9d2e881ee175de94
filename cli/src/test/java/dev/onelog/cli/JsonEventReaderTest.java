package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.onelog.eventstore.EventData;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonEventReaderTest {
  private static EventData read(JsonEventReader reader, String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return reader.read(bytes, 0, bytes.length, 4);
  }

  private static String error(JsonEventReader reader, String line) {
    return assertThrows(CliException.class, () -> read(reader, line)).getMessage();
  }

  @Test
  void readsWhatEventsReadPrintsIgnoringWhereItWasStored() {
    EventData event =
        read(
            new JsonEventReader(null),
            "{\"stream\":\"a\",\"version\":3,\"position\":9,\"id\":\"x\",\"type\":\"Deposited\","
                + "\"timestamp\":1,\"data\":\"AP8=\",\"dataEncoding\":\"base64\",\"metadata\":\"m\","
                + "\"tags\":[\"k\",\"l\"]}");
    assertEquals("Deposited", event.type());
    assertArrayEquals(new byte[] {0, (byte) 0xff}, event.data());
    assertArrayEquals("m".getBytes(StandardCharsets.UTF_8), event.metadata());
    assertEquals(Set.of("k", "l"), event.tags());
  }

  @Test
  void aLineWithoutATypeTakesTheDefault() {
    assertEquals("T", read(new JsonEventReader("T"), "{\"data\":\"\"}").type());
    assertEquals("U", read(new JsonEventReader("T"), "{\"type\":\"U\",\"data\":\"\"}").type());
  }

  @Test
  void eachBadLineIsNamedWithWhatWouldBeRight() {
    JsonEventReader reader = new JsonEventReader(null);
    assertEquals(
        "line 4 has no \"type\"; give each line one, or give every line's type with --type TYPE"
            + " (nothing was appended)",
        error(reader, "{\"data\":\"x\"}"));
    assertEquals(
        "line 4 has no \"data\"; give every event one, a string (\"\" for none) (nothing was"
            + " appended)",
        error(reader, "{\"type\":\"T\"}"));
    assertEquals(
        "line 4 has a \"data\" that is not base64 (Illegal base64 character 21), as its"
            + " \"dataEncoding\" says it is (nothing was appended)",
        error(reader, "{\"type\":\"T\",\"data\":\"!!\",\"dataEncoding\":\"base64\"}"));
    assertEquals(
        "line 4 has \"tags\" that are not a list of strings; write [\"a\",\"b\"] (nothing was"
            + " appended)",
        error(reader, "{\"type\":\"T\",\"data\":\"\",\"tags\":\"k\"}"));
    assertEquals(
        "line 4 is not a valid event: event type is 201 characters long; the limit is 200"
            + " (nothing was appended)",
        error(reader, "{\"type\":\"" + "t".repeat(201) + "\",\"data\":\"\"}"));
    assertEquals(
        "line 4 is not a JSON object; write one JSON object a line, as 'onelog events read"
            + " --format json' prints (nothing was appended)",
        error(reader, "[1]"));
  }
}
