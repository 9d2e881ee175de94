package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code topics create}'s compaction options, {@code topics alter}, and what describe shows. */
class TopicSettingsIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void createTakesTheCompactionSettings() {
    onelog
        .run(
            "topics",
            "create",
            "prices",
            "--cleanup",
            "compact",
            "--delete-retention",
            "2h",
            "--min-dirty-ratio",
            "0.1",
            "--min-compaction-lag",
            "5m")
        .ok();
    String described = onelog.run("topics", "describe", "prices").ok().stdout();
    assertTrue(described.contains("delete retention:   2h\n"), described);
    assertTrue(described.contains("min dirty ratio:    0.1\n"), described);
    assertTrue(described.contains("min compaction lag: 5m\n"), described);
  }

  @Test
  void describeLeavesOutCompactionSettingsOfATopicThatDoesNotCompact() {
    onelog.run("topics", "create", "logs").ok();
    String described = onelog.run("topics", "describe", "logs").ok().stdout();
    assertTrue(described.contains("cleanup policy:     delete\n"), described);
    assertFalse(described.contains("delete retention"), described);
    assertFalse(described.contains("CLEANER POINT"), described);
  }

  @Test
  void alterChangesOnlyWhatIsGivenAndDescribeShowsIt() {
    onelog.run("topics", "create", "t", "--retention", "7d", "--retention-bytes", "1MiB").ok();

    String altered = onelog.run("topics", "alter", "t", "--retention", "12h").ok().stdout();
    assertEquals(
        List.of(
            "topic:              t",
            "partitions:         1",
            "cleanup policy:     delete",
            "retention:          12h",
            "retention bytes:    1048576 bytes (1MiB) per partition"),
        altered.lines().toList());
    String described = onelog.run("topics", "describe", "t").ok().stdout();
    assertTrue(described.startsWith(altered), described);

    altered =
        onelog
            .run("topics", "alter", "t", "--retention", "forever", "--retention-bytes", "unlimited")
            .ok()
            .stdout();
    assertTrue(altered.contains("retention:          unlimited\n"), altered);
    assertTrue(altered.contains("retention bytes:    unlimited\n"), altered);
    assertTrue(onelog.run("topics", "describe", "t").ok().stdout().startsWith(altered));
  }

  @Test
  void alterToCompactShowsCompactionSettingsAndCleanerColumns() {
    onelog.run("topics", "create", "t").ok();
    onelog.runWithInput("a:1\nb:1\na:2\n", "produce", "t", "--key-separator", ":").ok();

    String altered =
        onelog
            .run(
                "topics",
                "alter",
                "t",
                "--cleanup",
                "compact",
                "--min-dirty-ratio",
                "0.25",
                "--delete-retention",
                "0s",
                "--min-compaction-lag",
                "1h")
            .ok()
            .stdout();
    assertTrue(altered.contains("cleanup policy:     compact\n"), altered);
    assertTrue(altered.contains("delete retention:   0s\n"), altered);
    assertTrue(altered.contains("min dirty ratio:    0.25\n"), altered);
    assertTrue(altered.contains("min compaction lag: 1h\n"), altered);

    String described = onelog.run("topics", "describe", "t").ok().stdout();
    assertTrue(described.contains("min dirty ratio:    0.25\n"), described);
    List<String> rows = described.lines().dropWhile(l -> !l.startsWith("TOPIC")).toList();
    assertTrue(rows.get(0).contains("  CLEANER POINT  DIRTY  "), described);
    String[] partition0 = rows.get(1).split(" +");
    // the lag of 1h keeps the three records dirty: nothing below the cleaner point yet
    assertEquals(
        List.of("t", "0", "0", "3", "3", "6", "0", "1.00"), List.of(partition0).subList(0, 8));
  }

  @Test
  void alterWithNothingToChangeIsAUsageError() {
    onelog.run("topics", "create", "t").ok();
    String message = onelog.run("topics", "alter", "t").failsWith(2);
    assertTrue(
        message.startsWith("onelog: nothing to change: give at least one of --cleanup"), message);
    assertTrue(message.endsWith("(see 'onelog topics alter --help')"), message);
  }

  @Test
  void alterUnknownTopicNamesTheKnownOnes() {
    onelog.run("topics", "create", "orders").ok();
    String message = onelog.run("topics", "alter", "ordrs", "--retention", "1d").failsWith(1);
    assertEquals("onelog: topic 'ordrs' does not exist; known topics: [orders]", message);
  }

  @Test
  void alterToCompactIsRefusedWhileARecordHasNoKey() {
    onelog.runWithInput("k:v\n", "produce", "t", "--key-separator", ":").ok();
    onelog.run("produce", "t", "--value", "keyless").ok();
    String message = onelog.run("topics", "alter", "t", "--cleanup", "compact").failsWith(1);
    assertTrue(message.contains("record without a key at offset 1"), message);
    String described = onelog.run("topics", "describe", "t").ok().stdout();
    assertTrue(described.contains("cleanup policy:     delete\n"), described);
  }

  @Test
  void alterBadValuesAreUsageErrorsNamingTheAcceptedForms() {
    onelog.run("topics", "create", "t").ok();
    String message = onelog.run("topics", "alter", "t", "--retention", "7 days").failsWith(2);
    assertTrue(
        message.contains("12h, 7d")
            && message.endsWith("or forever (see 'onelog topics alter --help')"),
        message);
    message = onelog.run("topics", "alter", "t", "--retention-bytes", "lots").failsWith(2);
    assertTrue(message.contains("10KiB") && message.contains("or unlimited"), message);
    message = onelog.run("topics", "alter", "t", "--min-dirty-ratio", "1.5").failsWith(2);
    assertTrue(message.contains("ratio '1.5' is above 1"), message);
    message = onelog.run("topics", "alter", "t", "--min-compaction-lag", "-1h").failsWith(2);
    assertTrue(message.contains("'-1h' is not a duration"), message);
    message = onelog.run("topics", "create", "u", "--delete-retention", "PT-1S").failsWith(2);
    assertTrue(message.contains("must be zero or positive"), message);
  }

  @Test
  void alterOfCompactionSettingsOnATopicThatDoesNotCompactSaysWhen() {
    onelog.run("topics", "create", "t").ok();
    OneLogProcess.Result result =
        onelog.run("topics", "alter", "t", "--min-dirty-ratio", "0.1").ok();
    assertEquals(
        "onelog: topic 't' does not compact (cleanup policy delete), so its compaction settings"
            + " (--min-dirty-ratio) apply only once its policy is compact or compact,delete\n",
        result.stderr());
    String described = onelog.run("topics", "alter", "t", "--cleanup", "compact").ok().stdout();
    assertTrue(described.contains("min dirty ratio:    0.1\n"), described);
  }
}
