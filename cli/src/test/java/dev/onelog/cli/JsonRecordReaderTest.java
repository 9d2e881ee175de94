package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Header;
import dev.onelog.LogRecord;
import dev.onelog.ProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonRecordReaderTest {
  private static final byte[] BINARY = {0, (byte) 0xff, (byte) 0xc0, (byte) 0x80, '\n'};

  private static ProducerRecord read(JsonRecordReader reader, String line) {
    byte[] bytes = ("prefix\n" + line).getBytes(StandardCharsets.UTF_8);
    return reader.read(bytes, 7, bytes.length, 7);
  }

  private static JsonRecordReader.BadRecordException fails(String line) {
    return assertThrows(
        JsonRecordReader.BadRecordException.class,
        () -> read(JsonRecordReader.forTopic("copy"), line));
  }

  @Test
  void readsBackWhatConsumePrints() {
    List<Header> headers =
        List.of(
            Header.of("h", "one"),
            Header.of("h", "two"),
            Header.of("none", (byte[]) null),
            Header.of("bin", BINARY));
    LogRecord stored = new LogRecord("orig", 3, 41, 1714564800000L, BINARY, null, headers);
    LineBuffer line = new LineBuffer();
    RecordFormat.JSON.append(stored, new byte[0], line);

    ProducerRecord record = read(JsonRecordReader.forTopic("copy"), line.toString());

    assertEquals("copy", record.topic());
    assertNull(record.partition(), "the partition is left to the target's partitioner");
    assertEquals(1714564800000L, record.timestampMs());
    assertArrayEquals(BINARY, record.key());
    assertNull(record.value());
    assertEquals(headers, record.headers());
  }

  @Test
  void keepPartitionKeepsTheLinesPartition() {
    String line = "{\"partition\":3,\"value\":\"v\"}";
    assertEquals(3, read(JsonRecordReader.forTopic("t").keepingPartitions(), line).partition());
    assertNull(read(JsonRecordReader.forTopic("t"), line).partition());
    assertNull(
        read(JsonRecordReader.forTopic("t").keepingPartitions(), "{\"value\":\"v\"}").partition());
  }

  @Test
  void onlyTheValueIsRequiredAndTextIsStoredAsUtf8() {
    ProducerRecord record =
        read(JsonRecordReader.forTopic("t"), "  {\"value\":\"é \\u00e9 😀\\n\"}  ");
    assertNull(record.key());
    assertNull(record.timestampMs());
    assertEquals(List.of(), record.headers());
    assertArrayEquals("é é 😀\n".getBytes(StandardCharsets.UTF_8), record.value());
  }

  @Test
  void errorsSayWhichLineWhatWasWrongAndWhatWouldBeRight() {
    JsonRecordReader.BadRecordException e = fails("{\"value\":\"v\",\"timestamp\":\"yesterday\"}");
    assertEquals(7, e.lineNumber());
    assertEquals("timestamp", e.field());
    assertEquals(
        "line 7: \"timestamp\" is the string \"yesterday\", not a whole number from 0 to"
            + " 9223372036854775807; write milliseconds since the epoch, or null to stamp the"
            + " record when it is stored",
        e.getMessage());

    e = fails("{\"value\":\"AAEC\",\"valueEncoding\":\"hex\"}");
    assertEquals("valueEncoding", e.field());
    assertEquals(
        "line 7: \"valueEncoding\" is the string \"hex\", not \"base64\", the one encoding there"
            + " is; write \"base64\", or leave it out when \"value\" is text",
        e.getMessage());

    e = fails("{\"key\":\"k\",");
    assertNull(e.field());
    assertTrue(e.getMessage().startsWith("line 7 cannot be parsed as JSON: "), e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith("; write one JSON object a line, as 'onelog consume --format json' prints"),
        e.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "not json                                  |                  | line 7 cannot be parsed as JSON: Unrecognized token 'not'",
        "``                                        |                  | line 7 is empty;",
        "[1,2]                                     |                  | line 7 is a list [1,2], not an object;",
        "{\"value\":\"v\"} {}                      |                  | line 7 goes on after its object, at column 15;",
        "{\"value\":\"v\",\"value\":\"w\"}         |                  | line 7 cannot be parsed as JSON: Duplicate field 'value' (column 21);",
        "{\"key\":\"k\"}                           | value            | line 7 has no \"value\"; give every record one",
        "{\"value\":\"v\",\"hedaers\":[]}          | hedaers          | line 7 has an unknown field \"hedaers\"; the fields of a record are topic, partition,",
        "{\"value\":1}                             | value            | line 7: \"value\" is the number 1, not a string or null; write text, base64 with \"valueEncoding\":\"base64\" for bytes, or null for a tombstone",
        "{\"value\":\"v\",\"key\":true}            | key              | line 7: \"key\" is true, not a string or null;",
        "{\"value\":\"v\",\"timestamp\":-1}        | timestamp        | line 7: \"timestamp\" is the number -1, not a whole number from 0 to 9223372036854775807;",
        "{\"value\":\"v\",\"timestamp\":1.5}       | timestamp        | line 7: \"timestamp\" is the number 1.5, not a whole number from 0 to 9223372036854775807;",
        "{\"value\":\"v\",\"timestamp\":9223372036854775808} | timestamp | line 7: \"timestamp\" is the number 9223372036854775808, not a whole number from 0 to 9223372036854775807;",
        "{\"value\":\"!!\",\"valueEncoding\":\"base64\"} | value      | line 7: \"value\" is not base64 (Illegal base64 character 21) but \"valueEncoding\" says it is;",
        "{\"value\":\"v\",\"keyEncoding\":1,\"key\":\"k\"} | keyEncoding | line 7: \"keyEncoding\" is the number 1, not \"base64\"",
        "{\"value\":\"\\ud800\"}                   | value            | line 7: \"value\" holds the lone surrogate \\ud800, which has no UTF-8 bytes;",
        "{\"value\":\"v\",\"headers\":{\"h\":\"x\"}} | headers        | line 7: \"headers\" is an object {\"h\":\"x\"}, not a list;",
        "{\"value\":\"v\",\"headers\":[\"h=x\"]}   | headers[0]       | line 7: \"headers[0]\" is the string \"h=x\", not an object;",
        "{\"value\":\"v\",\"headers\":[{\"name\":\"h\"}]} | headers[0].value | line 7 has no \"headers[0].value\"; give every header a name",
        "{\"value\":\"v\",\"headers\":[{\"value\":\"x\"}]} | headers[0].name | line 7 has no \"headers[0].name\";",
        "{\"value\":\"v\",\"headers\":[{\"name\":null,\"value\":\"x\"}]} | headers[0].name | line 7: \"headers[0].name\" is null, not a string;",
        "{\"value\":\"v\",\"headers\":[{\"name\":\"h\",\"value\":\"x\",\"vaule\":\"y\"}]} | headers[0].vaule | line 7 has an unknown field \"headers[0].vaule\"; the fields of a header are name, value, valueEncoding",
        "{\"value\":\"v\",\"headers\":[{\"name\":\"h\",\"value\":\"x\",\"valueEncoding\":\"hex\"}]} | headers[0].valueEncoding | line 7: \"headers[0].valueEncoding\" is the string \"hex\", not \"base64\", the one encoding there is; write \"base64\", or leave it out when \"headers[0].value\" is text",
      })
  void malformedLinesFailNamingTheLineAndField(String line, String field, String message) {
    JsonRecordReader.BadRecordException e = fails(line);
    assertEquals(7, e.lineNumber());
    assertEquals(field, e.field());
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void bytesThatAreNotUtf8OnTheLineAreNotJson() {
    byte[] bytes = {'{', '"', 'v', 'a', 'l', 'u', 'e', '"', ':', '"', (byte) 0xff, '"', '}'};
    JsonRecordReader.BadRecordException e =
        assertThrows(
            JsonRecordReader.BadRecordException.class,
            () -> JsonRecordReader.forTopic("t").read(bytes, 0, bytes.length, 2));
    assertTrue(
        e.getMessage().startsWith("line 2 cannot be parsed as JSON: Invalid UTF-8"),
        e.getMessage());
  }

  @Test
  void aPartitionThatIsNotOneFailsOnlyWhenItIsKept() {
    String line = "{\"partition\":-1,\"value\":\"v\"}";
    assertNull(read(JsonRecordReader.forTopic("t"), line).partition());
    JsonRecordReader.BadRecordException e =
        assertThrows(
            JsonRecordReader.BadRecordException.class,
            () -> read(JsonRecordReader.forTopic("t").keepingPartitions(), line));
    assertEquals(
        "line 7: \"partition\" is the number -1, not a partition number; write a number from 0,"
            + " or null to let the topic's partitioner decide",
        e.getMessage());
  }
}
