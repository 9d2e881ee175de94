package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onelog.Header;
import dev.onelog.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProduceCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  List<JsonNode> records(String topic, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("consume", topic, "--from-beginning", "--format", "json"));
    args.addAll(List.of(more));
    List<JsonNode> records = new ArrayList<>();
    for (String line : onelog.run(args.toArray(String[]::new)).ok().lines()) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  @Test
  void missingTopicIsCreatedWithOnePartitionAndSaysSo() throws Exception {
    OneLogProcess.Result result = onelog.runWithInput("one\ntwo\n", "produce", "events").ok();
    assertEquals(
        "onelog: topic 'events' did not exist; created it with 1 partition\n", result.stderr());
    assertEquals("", result.stdout());
    assertTrue(
        onelog
            .run("topics", "describe", "events")
            .ok()
            .stdout()
            .contains("partitions:         1\n"));
    assertEquals(
        List.of("one", "two"),
        records("events").stream().map(r -> r.get("value").asText()).toList());
  }

  @Test
  void emptyLinesAreEmptyValuesAndCrLfEndsALine() throws Exception {
    onelog.runWithInput("a\n\nb\r\nlast-without-newline", "produce", "t").ok();
    assertEquals(
        List.of("a", "", "b", "last-without-newline"),
        records("t").stream().map(r -> r.get("value").asText()).toList());
  }

  @Test
  void keySeparatorSplitsAtTheFirstSeparatorAndHeadersApplyToEveryRecord() throws Exception {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    onelog
        .runWithInput(
            "k1::v1\nk2::v::2\n::no-key\n",
            "produce",
            "t",
            "--key-separator",
            "::",
            "--partition",
            "1",
            "--header",
            "source=billing",
            "--header",
            "formula=a=b")
        .ok();
    List<JsonNode> records = records("t");
    assertEquals(3, records.size());
    assertEquals(
        List.of("k1", "k2", ""), records.stream().map(r -> r.get("key").asText()).toList());
    assertEquals(
        List.of("v1", "v::2", "no-key"),
        records.stream().map(r -> r.get("value").asText()).toList());
    for (JsonNode record : records) {
      assertEquals(1, record.get("partition").asInt());
      assertEquals(
          "[{\"name\":\"source\",\"value\":\"billing\"},{\"name\":\"formula\",\"value\":\"a=b\"}]",
          record.get("headers").toString());
    }
  }

  @Test
  void keyOptionKeysEveryLine() throws Exception {
    onelog.runWithInput("x\ny\n", "produce", "t", "--key", "same").ok();
    assertEquals(
        List.of("same", "same"), records("t").stream().map(r -> r.get("key").asText()).toList());
  }

  @Test
  void valueOptionAppendsOneRecordWithoutReadingStdin() throws Exception {
    onelog.runWithInput("ignored\n", "produce", "t", "--value", "only", "--key", "k").ok();
    List<JsonNode> records = records("t");
    assertEquals(1, records.size());
    assertEquals("k", records.get(0).get("key").asText());
    assertEquals("only", records.get(0).get("value").asText());
  }

  @Test
  void lineWithoutSeparatorFailsNamingItsNumberAndKeepsEarlierLines() throws Exception {
    onelog.run("topics", "create", "t").ok();
    String message =
        onelog
            .runWithInput("a:1\nb:2\nnone\nc:3\n", "produce", "t", "--key-separator", ":")
            .failsWith(1);
    assertTrue(message.contains("line 3 has no key separator ':'"), message);
    assertEquals(
        List.of("1", "2"), records("t").stream().map(r -> r.get("value").asText()).toList());
  }

  @Test
  void unknownPartitionFailsClearly() {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    String message = onelog.runWithInput("a\n", "produce", "t", "--partition", "5").failsWith(1);
    assertTrue(
        message.contains("line 1 was not stored") && message.contains("partition 5"), message);
  }

  @Test
  void recordOverTheSizeLimitFailsNamingItsLine() {
    String big = "x".repeat(2 << 20);
    onelog.run("topics", "create", "t").ok();
    String message = onelog.runWithInput("small\n" + big + "\n", "produce", "t").failsWith(1);
    assertTrue(message.startsWith("onelog: line 2 was not stored: "), message);
  }

  @Test
  void keySeparatorWithKeyIsAUsageError() {
    String message = onelog.run("produce", "t", "--key", "k", "--key-separator", ":").failsWith(2);
    assertTrue(message.contains("cannot be combined with --key"), message);
  }

  @Test
  void headerWithoutEqualsIsAUsageError() {
    String message = onelog.run("produce", "t", "--value", "v", "--header", "novalue").failsWith(2);
    assertTrue(message.contains("is not NAME=VALUE"), message);
  }

  @Test
  void invalidTopicNameFails() {
    String message = onelog.runWithInput("a\n", "produce", "bad/name").failsWith(1);
    assertTrue(message.contains("'bad/name'"), message);
  }

  @Test
  void jsonLinesAreRecordsAndTheOptionsAddHeadersAndChooseThePartition() {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    onelog
        .runWithInput(
            "{\"key\":\"k\",\"value\":null,\"timestamp\":1714564800000,"
                + "\"headers\":[{\"name\":\"h\",\"value\":\"AP8=\",\"valueEncoding\":\"base64\"}]}\n"
                + "{\"topic\":\"elsewhere\",\"offset\":99,\"partition\":0,\"value\":\"v\"}\r\n",
            "produce",
            "t",
            "--format",
            "json",
            "--partition",
            "1",
            "--header",
            "source=copy")
        .ok();
    List<LogRecord> stored = onelog.stored("t");
    assertEquals(2, stored.size());
    LogRecord first = stored.get(0);
    assertEquals(1, first.partition());
    assertEquals("k", first.keyAsString());
    assertNull(first.value());
    assertEquals(1714564800000L, first.timestampMs());
    assertEquals(
        List.of(Header.of("h", new byte[] {0, (byte) 0xff}), Header.of("source", "copy")),
        first.headers());
    LogRecord second = stored.get(1);
    assertEquals(1, second.partition(), "--partition, not the line's partition");
    assertNull(second.key());
    assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), second.value());
  }

  @Test
  void badJsonLineFailsNamingItsNumberAndFieldAndKeepsEarlierLines() {
    onelog.run("topics", "create", "t").ok();
    String message =
        onelog
            .runWithInput(
                "{\"value\":\"1\"}\n{\"value\":\"2\"}\n{\"value\":\"3\",\"timestamp\":\"yesterday\"}\n"
                    + "{\"value\":\"4\"}\n",
                "produce",
                "t",
                "--format",
                "json")
            .failsWith(1);
    assertEquals(
        "onelog: line 3: \"timestamp\" is the string \"yesterday\", not a whole number from 0 to"
            + " 9223372036854775807; write milliseconds since the epoch, or null to stamp the"
            + " record when it is stored (the lines before it were stored)",
        message);
    assertEquals(
        List.of("1", "2"), onelog.stored("t").stream().map(LogRecord::valueAsString).toList());
  }

  @Test
  void plainTextWithFormatJsonSaysItIsNotJson() {
    onelog.run("topics", "create", "t").ok();
    String message =
        onelog.runWithInput("hello\n", "produce", "t", "--format", "json").failsWith(1);
    assertTrue(
        message.startsWith("onelog: line 1 cannot be parsed as JSON: Unrecognized token 'hello'"),
        message);
  }

  @Test
  void lineOptionsWithFormatJsonAreUsageErrors() {
    String key = onelog.run("produce", "t", "--format", "json", "--key", "k").failsWith(2);
    assertTrue(key.contains("a record's key is its \"key\" field"), key);
    String value = onelog.run("produce", "t", "--format", "json", "--value", "v").failsWith(2);
    assertTrue(value.contains("the records come from standard input"), value);
    String keep = onelog.run("produce", "t", "--keep-partition").failsWith(2);
    assertTrue(keep.contains("add --format json"), keep);
    String both =
        onelog
            .run("produce", "t", "--format", "json", "--keep-partition", "--partition", "0")
            .failsWith(2);
    assertTrue(both.contains("both choose the partition"), both);
  }

  private static List<String> values(List<LogRecord> records) {
    return records.stream().map(LogRecord::valueAsString).toList();
  }

  @Test
  void nullValueMarksTombstonesAndOnlyExactMatches() {
    onelog
        .runWithInput("a\nNULL\n\nNULL \nb\r\nNULL\r\n", "produce", "t", "--null-value", "NULL")
        .ok();
    assertEquals(Arrays.asList("a", null, "", "NULL ", "b", null), values(onelog.stored("t")));
  }

  @Test
  void nullValueAppliesToTheValuePartAfterTheKeySeparator() {
    onelog
        .runWithInput(
            "k1:v\nk2:-\n-:x\n", "produce", "t", "--key-separator", ":", "--null-value", "-")
        .ok();
    List<LogRecord> stored = onelog.stored("t");
    assertEquals(List.of("k1", "k2", "-"), stored.stream().map(LogRecord::keyAsString).toList());
    assertEquals(Arrays.asList("v", null, "x"), values(stored));
  }

  @Test
  void emptyNullValueMakesEmptyLinesTombstonesAsKcatZ() {
    onelog.runWithInput("a\n\nb\n", "produce", "t", "--null-value", "").ok();
    assertEquals(Arrays.asList("a", null, "b"), values(onelog.stored("t")));
  }

  @Test
  void nullValueAppliesToValueOptionToo() {
    onelog.run("produce", "t", "--key", "k", "--value", "NULL", "--null-value", "NULL").ok();
    LogRecord stored = onelog.stored("t").get(0);
    assertEquals("k", stored.keyAsString());
    assertNull(stored.value());
  }

  @Test
  void nullValueWithFormatJsonIsAUsageError() {
    String message =
        onelog.run("produce", "t", "--format", "json", "--null-value", "x").failsWith(2);
    assertTrue(message.contains("a tombstone is \"value\":null"), message);
  }
}
