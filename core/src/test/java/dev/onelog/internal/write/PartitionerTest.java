package dev.onelog.internal.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.storage.RecordBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Keys land where Kafka's default partitioner puts them: onelog's murmur2 is kafka-clients', and
 * the test values docs/FORMAT.md section 7 gives for other languages are both.
 */
class PartitionerTest {
  /** One row of the page's table: the key, murmur2 as a signed int32, partitions of 3 and 6. */
  record Example(byte[] key, int murmur2, int partitionOf3, int partitionOf6) {}

  @Test
  void murmur2IsKafkasForKeysOfEveryLengthAndByte() {
    Random random = new Random(42);
    for (int length = 0; length <= 100; length++) {
      for (int i = 0; i < 20; i++) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        assertEquals(Utils.murmur2(key), Partitioner.murmur2(key), HexFormat.of().formatHex(key));
      }
    }
  }

  @Test
  void theFormatPagesTestValuesAreKafkasAndOnelogs() throws Exception {
    List<Example> examples = formatMdExamples();
    assertTrue(examples.size() >= 10, "the table has its examples: " + examples.size());
    Partitioner partitioner = new Partitioner();
    for (Example e : examples) {
      String key = HexFormat.of().formatHex(e.key());
      assertEquals(e.murmur2(), Utils.murmur2(e.key()), "kafka-clients' murmur2 of " + key);
      assertEquals(e.murmur2(), Partitioner.murmur2(e.key()), "onelog's murmur2 of " + key);
      assertEquals(e.partitionOf3(), Utils.toPositive(Utils.murmur2(e.key())) % 3, key);
      assertEquals(e.partitionOf6(), Utils.toPositive(Utils.murmur2(e.key())) % 6, key);
      assertEquals(e.partitionOf3(), partitioner.partition("t", e.key(), 3, 100), key);
      assertEquals(e.partitionOf6(), partitioner.partition("t", e.key(), 6, 100), key);
    }
  }

  @Test
  void recordsWithoutAKeyStayOnAPartitionForABatchOfBytesThenMoveToTheNext() {
    Partitioner partitioner = new Partitioner();
    // 121 bytes a record in a batch: 541 fit in 64 KiB.
    int perBatch = (int) Math.ceil(RecordBatch.MAX_BATCH_BYTES / 121.0);
    int[] counts = new int[3];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < perBatch * 6; i++) {
      int partition = partitioner.partition("t", null, 3, 100);
      counts[partition]++;
      if (order.isEmpty() || order.get(order.size() - 1) != partition) {
        order.add(partition);
      }
    }
    assertEquals(List.of(0, 1, 2, 0, 1, 2), order, "one partition at a time, in turn");
    assertEquals(
        List.of(perBatch * 2, perBatch * 2, perBatch * 2),
        List.of(counts[0], counts[1], counts[2]));
    assertEquals(0, partitioner.partition("other", null, 3, 100), "each topic has its own");
    assertEquals(1, partitioner.partition("t", null, 2, 100), "a topic with fewer partitions");
  }

  /** The rows between the murmur2-examples markers of docs/FORMAT.md, as the page prints them. */
  static List<Example> formatMdExamples() throws Exception {
    // surefire and failsafe run in the module's directory and set basedir to it
    Path page =
        Path.of(System.getProperty("basedir", ""))
            .toAbsolutePath()
            .resolve("../docs/FORMAT.md")
            .normalize();
    List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
    int begin = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("<!-- begin murmur2-examples:")) {
        begin = i;
      } else if (lines.get(i).equals("<!-- end murmur2-examples -->")) {
        end = i;
      }
    }
    assertTrue(
        begin >= 0 && end > begin + 3,
        page + " has '<!-- begin murmur2-examples: ...', a table, '<!-- end murmur2-examples -->'");
    List<Example> examples = new ArrayList<>();
    // Skip the table's header and its |---| line.
    for (String line : lines.subList(begin + 3, end)) {
      String[] cells = line.substring(1, line.length() - 1).split("\\|");
      assertEquals(5, cells.length, line);
      String hex = cells[0].strip();
      byte[] key =
          hex.startsWith("(none")
              ? new byte[0]
              : HexFormat.of().parseHex(hex.substring(1, hex.length() - 1));
      examples.add(
          new Example(
              key,
              Integer.parseInt(cells[2].strip()),
              Integer.parseInt(cells[3].strip()),
              Integer.parseInt(cells[4].strip())));
    }
    return examples;
  }
}
