package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicsCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void createListDescribeDelete() {
    assertEquals(
        "created topic 'orders' with 3 partitions\n",
        onelog
            .run(
                "topics",
                "create",
                "orders",
                "--partitions",
                "3",
                "--cleanup",
                "compact,delete",
                "--retention",
                "7d",
                "--retention-bytes",
                "10MiB")
            .ok()
            .stdout());
    onelog.run("topics", "create", "audit").ok();
    assertEquals(List.of("audit", "orders"), onelog.run("topics", "list").ok().lines());

    // a compacted topic takes only records with keys; distinct ones, so compaction removes none
    onelog
        .runWithInput("a:1\nb:2\n", "produce", "orders", "--partition", "2", "--key-separator", ":")
        .ok();
    String described = onelog.run("topics", "describe", "orders").ok().stdout();
    assertTrue(described.contains("partitions:         3\n"), described);
    assertTrue(described.contains("cleanup policy:     compact,delete\n"), described);
    assertTrue(described.contains("retention:          7d\n"), described);
    assertTrue(
        described.contains("retention bytes:    10485760 bytes (10MiB) per partition\n"),
        described);
    assertTrue(described.contains("delete retention:   1d\n"), described);
    assertTrue(described.contains("min dirty ratio:    0.5\n"), described);
    assertTrue(described.contains("min compaction lag: 0s\n"), described);
    assertTrue(described.contains("records:            2 (4 bytes)\n"), described);
    List<String> rows = described.lines().dropWhile(l -> !l.startsWith("TOPIC")).toList();
    assertEquals(
        List.of(
            "TOPIC",
            "PARTITION",
            "EARLIEST",
            "NEXT",
            "RECORDS",
            "BYTES",
            "CLEANER",
            "POINT",
            "DIRTY",
            "NEWEST",
            "TIMESTAMP"),
        List.of(rows.get(0).split(" +")));
    assertEquals(4, rows.size(), described);
    assertEquals(
        List.of("orders", "0", "0", "0", "0", "0", "0", "0.00", "-"),
        List.of(rows.get(1).split(" +")));
    String[] partition2 = rows.get(3).split(" +");
    assertEquals(List.of("orders", "2", "0", "2", "2", "4"), List.of(partition2).subList(0, 6));
    assertTrue(partition2[8].matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), partition2[8]);

    assertEquals(
        "deleted topic 'orders'\n", onelog.run("topics", "delete", "orders").ok().stdout());
    assertEquals(List.of("audit"), onelog.run("topics", "list").ok().lines());
  }

  @Test
  void globalOptionsMayFollowTheCommand() {
    Path other = onelog.dir().resolve("other.db");
    onelog.run("topics", "create", "t", "--file", other.toString(), "--durability", "normal").ok();
    assertEquals(
        List.of("t"), onelog.run("--file", other.toString(), "topics", "list").ok().lines());
  }

  @Test
  void createExistingTopicFails() {
    onelog.run("topics", "create", "t").ok();
    String message = onelog.run("topics", "create", "t").failsWith(1);
    assertTrue(message.contains("'t'") && message.contains("exists"), message);
  }

  @Test
  void invalidTopicNameFails() {
    String message = onelog.run("topics", "create", "no spaces").failsWith(1);
    assertTrue(message.contains("[a-zA-Z0-9._-]"), message);
  }

  @Test
  void badDurationNamesTheAcceptedForms() {
    String message = onelog.run("topics", "create", "t", "--retention", "7 days").failsWith(2);
    assertTrue(message.contains("500ms, 45s, 30m, 12h, 7d") && message.contains("PT1H"), message);
  }

  @Test
  void badSizeNamesTheAcceptedForms() {
    String message =
        onelog.run("topics", "create", "t", "--retention-bytes", "10 parsecs").failsWith(2);
    assertTrue(message.contains("10KiB") && message.contains("powers of 1024"), message);
  }

  @Test
  void badCleanupPolicyNamesTheAcceptedValues() {
    String message = onelog.run("topics", "create", "t", "--cleanup", "shred").failsWith(2);
    assertTrue(message.contains("[delete, compact, compact,delete]"), message);
  }

  @Test
  void partitionCountOutOfRangeIsAUsageError() {
    String message = onelog.run("topics", "create", "t", "--partitions", "0").failsWith(2);
    assertTrue(message.contains("--partitions must be 1..10000, was 0"), message);
  }

  @Test
  void describeUnknownTopicListsKnownTopics() {
    onelog.run("topics", "create", "orders").ok();
    onelog.run("topics", "create", "payments").ok();
    String message = onelog.run("topics", "describe", "ordrs").failsWith(1);
    assertEquals("onelog: topic 'ordrs' does not exist; known topics: [orders, payments]", message);
  }

  @Test
  void listOnMissingFileFailsWithoutCreatingIt() {
    String message = onelog.run("topics", "list").failsWith(1);
    assertTrue(message.contains("does not exist"), message);
    assertTrue(!onelog.file().toFile().exists(), "no file was created");
  }
}
