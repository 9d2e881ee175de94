package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatsAndVerifyIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void statsJsonCountsEveryPartition() throws Exception {
    onelog.run("topics", "create", "orders", "--partitions", "2", "--retention", "12h").ok();
    onelog.runWithInput("aa\nbb\ncc\n", "produce", "orders", "--partition", "1").ok();
    onelog.run("topics", "create", "empty").ok();

    JsonNode stats = new ObjectMapper().readTree(onelog.run("stats", "--json").ok().stdout());
    assertEquals(onelog.file().toString(), stats.get("file").asText());
    assertEquals(
        Files.size(onelog.file()),
        stats.get("fileSizeBytes").asLong(),
        "closed, so the file holds every page");
    assertEquals(2, stats.get("topicCount").asInt());
    assertEquals(3, stats.get("recordCount").asLong());
    assertEquals(6, stats.get("sizeInBytes").asLong());
    JsonNode empty = stats.get("topics").get(0);
    assertEquals("empty", empty.get("name").asText());
    assertTrue(empty.get("partitions").get(0).get("newestTimestampMs").isNull());
    JsonNode orders = stats.get("topics").get(1);
    assertEquals("orders", orders.get("name").asText());
    assertEquals(2, orders.get("partitionCount").asInt());
    assertEquals(43_200_000L, orders.get("retentionMs").asLong());
    assertTrue(orders.get("retentionBytes").isNull());
    JsonNode partition1 = orders.get("partitions").get(1);
    assertEquals(1, partition1.get("partition").asInt());
    assertEquals(0, partition1.get("earliestOffset").asLong());
    assertEquals(3, partition1.get("nextOffset").asLong());
    assertEquals(3, partition1.get("recordCount").asLong());
    assertEquals(6, partition1.get("sizeInBytes").asLong());
    assertTrue(partition1.get("newestTimestampMs").asLong() > 0);
    assertEquals(0, orders.get("partitions").get(0).get("recordCount").asLong());
  }

  @Test
  void statsTableHasARowPerPartition() {
    onelog.run("topics", "create", "orders", "--partitions", "3").ok();
    String table = onelog.run("stats").ok().stdout();
    assertTrue(table.contains("topics:  1 with 3 partitions, 0 records"), table);
    assertEquals(3, table.lines().filter(l -> l.startsWith("orders ")).count(), table);
  }

  @Test
  void statsShowsTheCleanerPointAndDirtyShareOfCompactedTopics() throws Exception {
    onelog.run("topics", "create", "logs").ok();
    onelog.run("produce", "logs", "--value", "x").ok();
    // the lag keeps the log's own cleaner away until compact runs
    onelog
        .run(
            "topics",
            "create",
            "prices",
            "--cleanup",
            "compact",
            "--min-compaction-lag",
            "1h",
            "--delete-retention",
            "2h")
        .ok();
    onelog.runWithInput("a:1\nb:1\na:2\na:3\n", "produce", "prices", "--key-separator", ":").ok();

    assertEquals(
        List.of("prices", "0", "0", "4", "4", "8", "0", "1.00"),
        statsRow("prices").subList(0, 8),
        "all dirty");
    JsonNode prices = topic(stats(), 1, "prices");
    assertEquals(7_200_000L, prices.get("deleteRetentionMs").asLong());
    assertEquals(3_600_000L, prices.get("minCompactionLagMs").asLong());
    assertEquals(0, prices.get("partitions").get(0).get("cleanerOffset").asLong());
    assertEquals(8, prices.get("partitions").get(0).get("dirtyBytes").asLong());
    assertEquals(1.0, prices.get("partitions").get(0).get("dirtyShare").asDouble());
    assertEquals(0.5, prices.get("minCleanableDirtyRatio").asDouble());

    onelog.run("compact").ok();
    assertEquals(
        List.of("prices", "0", "0", "4", "2", "4", "4", "0.00"), statsRow("prices").subList(0, 8));
    assertEquals(
        List.of("logs", "0", "0", "1", "1", "1", "-", "-"), statsRow("logs").subList(0, 8));
    JsonNode stats = stats();
    JsonNode partition = topic(stats, 1, "prices").get("partitions").get(0);
    assertEquals(4, partition.get("cleanerOffset").asLong());
    assertEquals(0, partition.get("dirtyBytes").asLong());
    JsonNode logs = topic(stats, 0, "logs").get("partitions").get(0);
    assertTrue(logs.get("cleanerOffset").isNull(), logs.toString());
    assertTrue(logs.get("dirtyBytes").isNull(), logs.toString());
    assertTrue(logs.get("dirtyShare").isNull(), logs.toString());
  }

  private List<String> statsRow(String topic) {
    String table = onelog.run("stats").ok().stdout();
    assertTrue(table.contains("  CLEANER POINT  DIRTY  NEWEST TIMESTAMP\n"), table);
    return table
        .lines()
        .filter(l -> l.startsWith(topic + " "))
        .map(l -> List.of(l.split(" +")))
        .findFirst()
        .orElseThrow();
  }

  private JsonNode stats() throws Exception {
    return new ObjectMapper().readTree(onelog.run("stats", "--json").ok().stdout());
  }

  private static JsonNode topic(JsonNode stats, int index, String name) {
    JsonNode topic = stats.get("topics").get(index);
    assertEquals(name, topic.get("name").asText());
    return topic;
  }

  @Test
  void statsAndVerifyWorkOnAFileThatMayNotBeWritten() throws Exception {
    onelog.runWithInput("a\nb\n", "produce", "t").ok();
    java.nio.file.Files.setPosixFilePermissions(
        onelog.file(), java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
    try {
      assertTrue(onelog.run("stats").ok().stdout().contains("t"));
      onelog.run("verify").ok();
      assertEquals("a\nb\n", onelog.run("consume", "t", "--from-beginning").ok().stdout());
      assertEquals(1, onelog.runWithInput("c\n", "produce", "t").exitCode());
    } finally {
      java.nio.file.Files.setPosixFilePermissions(
          onelog.file(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  @Test
  void verifyPassesOnAGoodFile() {
    onelog.runWithInput("a\nb\nc\n", "produce", "t").ok();
    OneLogProcess.Result result = onelog.run("verify").ok();
    assertTrue(result.stdout().contains("checked:  3 records"), result.stdout());
    assertTrue(result.stdout().contains("ok: every check passed"), result.stdout());
  }

  @Test
  void verifyFailsOnACorruptedRecordAndNamesIt() throws Exception {
    onelog.runWithInput("a\nb\nc\n", "produce", "t").ok();
    onelog.brokenOnPurpose();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + onelog.file());
        Statement s = c.createStatement()) {
      long topicId;
      try (ResultSet rs = s.executeQuery("SELECT id FROM topics WHERE name = 't'")) {
        assertTrue(rs.next());
        topicId = rs.getLong(1);
      }
      // the last byte of the batch that ends at offset 2 is c's value: make it a 'b'
      assertEquals(
          1,
          s.executeUpdate(
              "UPDATE log_"
                  + topicId
                  + "_0 SET records = substr(records, 1, length(records) - 1) || X'62'"
                  + " WHERE last_offset = 2"));
    }
    OneLogProcess.Result result = onelog.run("verify");
    assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
    assertTrue(
        result.stdout().contains("PROBLEM:  t-0@2: CRC32C mismatch in the batch of offsets "),
        result.stdout());
    assertTrue(result.stdout().contains("FAILED: 1 problem"), result.stdout());
    assertEquals("onelog: verify found 1 problem in " + onelog.file() + "\n", result.stderr());
  }
}
