package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CompactCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void removesSupersededRecordsAndReportsIt() {
    // the lag keeps the log's own cleaner away, so what is removed is compact's doing
    onelog.run("topics", "create", "t", "--cleanup", "compact", "--min-compaction-lag", "1h").ok();
    String lines =
        IntStream.range(0, 100)
            .mapToObj(i -> "k" + (i % 10) + ":" + i)
            .collect(Collectors.joining("\n"));
    onelog.runWithInput(lines, "produce", "t", "--key-separator", ":").ok();
    assertEquals(100, onelog.run("consume", "t", "--from-beginning").ok().lines().size());

    List<String> report = onelog.run("compact").ok().lines();
    assertEquals("file:             " + onelog.file(), report.get(0));
    assertEquals("batches deleted:  0 (by retention)", report.get(1));
    assertEquals("records examined: 100 (by compaction)", report.get(2));
    assertTrue(report.get(3).startsWith("records removed:  90 ("), report.get(3));
    assertTrue(report.get(4).matches("pages freed: +\\d+"), report.get(4));
    assertTrue(
        report.get(5).matches("file size: +\\d+ bytes.* before, \\d+ bytes.* after"),
        report.get(5));
    assertEquals(6, report.size(), String.join("\n", report));

    assertEquals(
        IntStream.range(90, 100).mapToObj(i -> "k" + (i % 10) + "\t" + i).toList(),
        onelog.run("consume", "t", "--from-beginning", "--format", "kv").ok().lines());
    assertEquals("93\n", onelog.run("get", "t", "k3").ok().stdout());

    report = onelog.run("compact").ok().lines();
    assertEquals("records removed:  0 (0 bytes of keys, values and headers)", report.get(3));
  }

  @Test
  void refusesAMissingFileWithoutCreatingIt() {
    String message = onelog.run("compact").failsWith(1);
    assertTrue(message.contains("does not exist"), message);
    assertTrue(!onelog.file().toFile().exists(), "no file was created");
  }
}
