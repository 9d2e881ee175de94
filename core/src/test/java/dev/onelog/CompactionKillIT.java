package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compaction passes killed with kill -9 at random moments, in a child process, and resumed: after
 * each kill the file is consistent (the fixture checks every invariant, compaction's included) and
 * the cleaner point never moved back; after a last pass run to the end, the partition holds exactly
 * the newest record of each key, at its offset.
 */
class CompactionKillIT {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  private static final TopicPartition P0 = new TopicPartition("t", 0);

  @Test
  void aKilledPassLeavesTheFileConsistentAndTheNextPassResumes() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path file = fixture.file("kill.db");
    Map<String, Long> newest = new HashMap<>(); // key -> offset of its newest record
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(
          TopicSpec.named("t")
              .withCleanupPolicy(CleanupPolicy.COMPACT)
              .withMinCompactionLag(Duration.ofDays(1000))); // only the child compacts
    }
    int midPass = 0;
    long cleanerOffset = 0;
    for (int round = 0; round < 4; round++) {
      try (OneLog log = OneLog.open(file)) {
        append(log, 50_000, 20_000, random, newest);
      }
      long[] before = progress(file);
      try (ChildJvm child =
          ChildJvm.start("compactor", ChildCompactor.class, List.of(file.toString()))) {
        child.awaitLine("open", Duration.ofSeconds(30));
        // Kill as soon as a slice committed (records removed, the index or the cleaner point
        // moved), or at a random moment.
        awaitProgress(file, before, Duration.ofMillis(random.nextInt(3) == 0 ? 50 : 10_000));
        child.kill();
      }
      LogInvariants.check(file);
      try (OneLog log = OneLog.open(file)) {
        assertTrue(log.verify().ok(), "seed " + seed + ": verify after kill " + round);
        PartitionDescription p = log.describeTopic("t").partitions().get(0);
        assertTrue(
            p.cleanerOffset() >= cleanerOffset, "seed " + seed + ": the cleaner point moved back");
        long[] after = progress(file);
        if (p.cleanerOffset() < p.nextOffset() && !java.util.Arrays.equals(before, after)) {
          midPass++; // some of the work committed, the rest was cut short
        }
        cleanerOffset = p.cleanerOffset();
      }
    }
    try (OneLog log = OneLog.open(file)) {
      log.compact();
      TreeMap<Long, String> expected = new TreeMap<>();
      newest.forEach((key, offset) -> expected.put(offset, key));
      TreeMap<Long, String> actual = new TreeMap<>();
      for (long from = 0; ; ) {
        List<LogRecord> records = log.read(P0, from, ReadLimit.records(50_000));
        if (records.isEmpty()) {
          break;
        }
        for (LogRecord r : records) {
          actual.put(r.offset(), new String(r.key(), StandardCharsets.UTF_8));
        }
        from = records.get(records.size() - 1).offset() + 1;
      }
      assertEquals(expected, actual, "seed " + seed);
    }
    // Kills that all land before or after a pass would prove little: most rounds kill right after
    // a slice committed (the cleaner point moves only at a pass's end; before it, slices remove
    // records and index keys), with more of the pass to go.
    System.out.println("CompactionKillIT seed " + seed + ": " + midPass + " of 4 kills mid-pass");
    assertTrue(midPass >= 1, "seed " + seed + ": no kill landed inside a pass");
  }

  /** {cleaner_offset, indexed_offset, record_count} of t-0, which every slice changes. */
  private static long[] progress(Path file) throws Exception {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
        java.sql.Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=1000");
      try (java.sql.ResultSet rs =
          s.executeQuery(
              "SELECT c.cleaner_offset, c.indexed_offset, p.record_count FROM cleaner_points c"
                  + " JOIN partitions p USING (topic_id, partition)")) {
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    }
  }

  private static void awaitProgress(Path file, long[] before, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && java.util.Arrays.equals(before, progress(file))) {
      Thread.sleep(1);
    }
  }

  private static void append(
      OneLog log, int count, int keys, Random random, Map<String, Long> newest) {
    List<ProducerRecord> batch = new ArrayList<>();
    byte[] value = new byte[64];
    for (int i = 0; i < count; i++) {
      String key = "k" + random.nextInt(keys);
      batch.add(ProducerRecord.of("t", key.getBytes(StandardCharsets.UTF_8), value));
      if (batch.size() == 5_000 || i == count - 1) {
        List<RecordMetadata> stored = log.append(batch);
        for (int j = 0; j < batch.size(); j++) {
          newest.put(
              new String(batch.get(j).key(), StandardCharsets.UTF_8), stored.get(j).offset());
        }
        batch.clear();
      }
    }
  }
}
