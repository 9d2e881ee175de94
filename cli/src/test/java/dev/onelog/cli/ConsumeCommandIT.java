package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsumeCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void valueFormatPrintsValues() {
    onelog.runWithInput("a\nb\nc\n", "produce", "t").ok();
    assertEquals("a\nb\nc\n", onelog.run("consume", "t", "--from-beginning").ok().stdout());
  }

  @Test
  void kvFormatPrintsKeyTabValueOrTheGivenSeparator() {
    onelog.runWithInput("k1=v1\nk2=v2\n", "produce", "t", "--key-separator", "=").ok();
    onelog.runWithInput("unkeyed\n", "produce", "t").ok();
    assertEquals(
        "k1\tv1\nk2\tv2\n\tunkeyed\n",
        onelog.run("consume", "t", "--from-beginning", "--format", "kv").ok().stdout());
    assertEquals(
        "k1 -> v1\nk2 -> v2\n -> unkeyed\n",
        onelog
            .run("consume", "t", "--from-beginning", "--format", "kv", "--key-separator", " -> ")
            .ok()
            .stdout());
  }

  @Test
  void jsonFormatHasEveryFieldAndEscapesStrings() throws Exception {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    String tricky = "quote \" backslash \\ tab \t bell \u0007 unicode é 😀";
    long before = System.currentTimeMillis();
    onelog
        .runWithInput(tricky + "|k\n", "produce", "t", "--partition", "1", "--header", "h=x\"y")
        .ok();
    onelog.runWithInput("plain\n", "produce", "t", "--partition", "1").ok();
    long after = System.currentTimeMillis();

    List<String> lines =
        onelog.run("consume", "t", "--from-beginning", "--format", "json").ok().lines();
    assertEquals(2, lines.size());
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals(
        List.of("topic", "partition", "offset", "timestamp", "key", "value", "headers"),
        fieldNames(first));
    assertEquals("t", first.get("topic").asText());
    assertEquals(1, first.get("partition").asInt());
    assertEquals(0, first.get("offset").asLong());
    long timestamp = first.get("timestamp").asLong();
    assertTrue(
        timestamp >= before && timestamp <= after,
        "timestamp " + timestamp + " in [" + before + ", " + after + "]");
    assertTrue(first.get("key").isNull());
    assertEquals(tricky + "|k", first.get("value").asText());
    assertEquals(1, first.get("headers").size());
    assertEquals("h", first.get("headers").get(0).get("name").asText());
    assertEquals("x\"y", first.get("headers").get(0).get("value").asText());
    JsonNode second = JSON.readTree(lines.get(1));
    assertEquals(1, second.get("offset").asLong());
    assertEquals(0, second.get("headers").size());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void defaultStartIsTheEndSoNothingIsPrintedAndAHintGoesToStderr() {
    onelog.runWithInput("a\nb\n", "produce", "t").ok();
    OneLogProcess.Result result = onelog.run("consume", "t").ok();
    assertEquals("", result.stdout());
    assertTrue(result.stderr().contains("--from-beginning"), result.stderr());
  }

  @Test
  void maxStopsAfterThatManyRecords() {
    onelog.runWithInput("1\n2\n3\n4\n5\n", "produce", "t").ok();
    assertEquals(
        List.of("1", "2", "3"),
        onelog.run("consume", "t", "--from-beginning", "--max", "3").ok().lines());
  }

  @Test
  void offsetAppliesToEveryPartitionUnlessOneIsNamed() {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    onelog.runWithInput("p0-0\np0-1\np0-2\n", "produce", "t", "--partition", "0").ok();
    onelog.runWithInput("p1-0\np1-1\n", "produce", "t", "--partition", "1").ok();
    Set<String> fromOne = new HashSet<>(onelog.run("consume", "t", "--offset", "1").ok().lines());
    assertEquals(Set.of("p0-1", "p0-2", "p1-1"), fromOne);
    assertEquals(
        List.of("p0-2"),
        onelog.run("consume", "t", "--offset", "2", "--partition", "0").ok().lines());
    assertEquals(
        List.of("p1-0", "p1-1"),
        onelog.run("consume", "t", "--from-beginning", "--partition", "1").ok().lines());
  }

  @Test
  void fromTimeStartsAtTheFirstRecordAtOrAfterIt() throws Exception {
    onelog.runWithInput("old-1\nold-2\n", "produce", "t").ok();
    Thread.sleep(20);
    Instant between = Instant.now();
    Thread.sleep(20);
    onelog.runWithInput("new-1\nnew-2\n", "produce", "t").ok();
    assertEquals(
        List.of("new-1", "new-2"),
        onelog.run("consume", "t", "--from-time", between.toString()).ok().lines());
    String withOffset = between.atOffset(ZoneOffset.ofHours(2)).toString();
    assertEquals(
        List.of("new-1", "new-2"),
        onelog.run("consume", "t", "--from-time", withOffset).ok().lines());
    assertEquals(
        4, onelog.run("consume", "t", "--from-time", "2000-01-01T00:00:00Z").ok().lines().size());
  }

  @Test
  void fromTimeWithoutZoneIsAUsageError() {
    onelog.run("topics", "create", "t").ok();
    String message = onelog.run("consume", "t", "--from-time", "2024-05-01T12:00:00").failsWith(2);
    assertTrue(message.contains("2024-05-01T12:00:00Z"), message);
  }

  @Test
  void startOptionsAreMutuallyExclusive() {
    onelog.run("topics", "create", "t").ok();
    String message = onelog.run("consume", "t", "--from-beginning", "--offset", "3").failsWith(2);
    assertTrue(message.contains("mutually exclusive"), message);
  }

  @Test
  void followPrintsRecordsAsAnotherProcessAppendsThem() throws Exception {
    onelog.runWithInput("before\n", "produce", "t").ok();
    Process follower = onelog.start("consume", "t", "--from-beginning", "--follow");
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(follower.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("before", readLine(out));
      onelog.run("produce", "t", "--value", "after").ok();
      assertEquals("after", readLine(out));
      assertTrue(follower.isAlive(), "still following");
    } finally {
      follower.destroy();
      assertTrue(follower.waitFor(10, TimeUnit.SECONDS), "ends on SIGTERM");
    }
    assertTrue(
        !onelog.dir().resolve("onelog.db-wal").toFile().exists(),
        "closed cleanly: the WAL was checkpointed away");
  }

  private static String readLine(BufferedReader reader) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void unknownTopicListsKnownTopics() {
    onelog.run("topics", "create", "orders").ok();
    assertEquals(
        "onelog: topic 'ordrs' does not exist; known topics: [orders]",
        onelog.run("consume", "ordrs", "--from-beginning").failsWith(1));
  }
}
