package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CompactionTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  private static final TopicPartition P0 = new TopicPartition("t", 0);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** "offset:key=value" for every record from offset 0. */
  private static List<String> contents(OneLog log) {
    List<String> out = new ArrayList<>();
    for (LogRecord r : log.read(P0, 0, ReadLimit.records(100_000))) {
      out.add(r.offset() + ":" + text(r.key()) + "=" + text(r.value()));
    }
    return out;
  }

  private OneLog compactedLog(TestClock clock, TopicSpec spec) {
    OneLog log = fixture.open(fixture.builder().clock(clock));
    log.createTopic(spec);
    return log;
  }

  @Test
  void compactionKeepsTheNewestRecordOfEachKeyAtItsOffset() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log = compactedLog(clock, TopicSpec.named("t").withCleanupPolicy(CleanupPolicy.COMPACT));
    log.append(ProducerRecord.of("t", "a", "1"));
    log.append(List.of(ProducerRecord.of("t", "b", "1"), ProducerRecord.of("t", "a", "2")));
    log.append(ProducerRecord.of("t", "c", "1"));
    log.append(ProducerRecord.of("t", "b", "2"));
    CleanupReport report = log.compact();
    assertEquals(5, report.recordsExamined());
    assertEquals(2, report.recordsRemoved());
    assertEquals(List.of("2:a=2", "3:c=1", "4:b=2"), contents(log));
    PartitionDescription p = log.describeTopic("t").partitions().get(0);
    assertEquals(5, p.cleanerOffset());
    assertEquals(0.0, p.dirtyShare());
    assertEquals(3, p.recordCount());
    assertEquals(0, p.earliestOffset(), "compaction does not move the log start");
    // The next pass drops the clean record superseded by a new append.
    log.append(ProducerRecord.of("t", "c", "2"));
    log.append(ProducerRecord.of("t", "d", "1"));
    report = log.compact();
    assertEquals(2, report.recordsExamined(), "only what was written since the last pass");
    assertEquals(List.of("2:a=2", "4:b=2", "5:c=2", "6:d=1"), contents(log));
    assertEquals("2", text(log.latest("t", utf8("a")).orElseThrow().value()));
    assertEquals(5, log.latest("t", utf8("c")).orElseThrow().offset());
    assertEquals(Optional.empty(), log.latest("t", utf8("zz")));
  }

  @Test
  void latestFollowsAppendsBeforeAnyCompaction() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log = compactedLog(clock, TopicSpec.named("t").withCleanupPolicy(CleanupPolicy.COMPACT));
    for (int i = 0; i < 100; i++) {
      log.append(ProducerRecord.of("t", "k" + (i % 7), "v" + i));
    }
    LogRecord latest = log.latest("t", utf8("k3")).orElseThrow();
    assertEquals("v94", text(latest.value()));
    assertEquals(94, latest.offset());
  }

  @Test
  void appendsLeaveTheKeyIndexToTheCleanerWhichIndexesEverythingOnceAppendsPause()
      throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log = compactedLog(clock, TopicSpec.named("t").withCleanupPolicy(CleanupPolicy.COMPACT));
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      batch.add(ProducerRecord.of("t", "k" + (i % 300), "v" + i));
    }
    log.append(batch); // fewer than a generation's 4,096: indexed only once appends pause
    assertEquals("v999", text(log.latest("t", utf8("k99")).orElseThrow().value()));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long[] state;
    do {
      Thread.sleep(50);
      state = indexState(log);
    } while (state[0] < 1_000 && System.nanoTime() < deadline);
    assertEquals(1_000, state[0], "indexed_offset reaches next_offset once appends pause");
    assertEquals(300, state[1], "one index row per key");
    assertEquals("v999", text(log.latest("t", utf8("k99")).orElseThrow().value()));
    log.append(ProducerRecord.of("t", "k99", "newest")); // above indexed_offset: found first
    assertEquals("newest", text(log.latest("t", utf8("k99")).orElseThrow().value()));
  }

  @Test
  void compactFinishesWhatABackgroundPassOrIndexGenerationHadBegun() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log =
        compactedLog(
            clock,
            TopicSpec.named("t")
                .withCleanupPolicy(CleanupPolicy.COMPACT)
                .withMinCleanableDirtyRatio(0.01));
    for (int round = 0; round < 3; round++) {
      List<ProducerRecord> batch = new ArrayList<>();
      for (int i = 0; i < 60_000; i++) {
        batch.add(ProducerRecord.of("t", "k" + (i % 5_000), "v" + round + "-" + i));
      }
      long cleanerOffset = log.describeTopic("t").partitions().get(0).cleanerOffset();
      long stored = log.describeTopic("t").recordCount() + batch.size();
      log.append(batch);
      // Wait until a background pass has removed records but not yet moved the cleaner point.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline
          && log.describeTopic("t").recordCount() == stored
          && log.describeTopic("t").partitions().get(0).cleanerOffset() == cleanerOffset) {
        Thread.sleep(1);
      }
      List<ProducerRecord> more = new ArrayList<>(); // past the end of that pass
      for (int i = 0; i < 5_000; i++) {
        more.add(ProducerRecord.of("t", "k" + i, "w" + round + "-" + i));
      }
      log.append(more);
      log.compact();
      assertEquals(5_000, log.describeTopic("t").recordCount(), "round " + round);
      assertEquals(
          "w" + round + "-4999", text(log.latest("t", utf8("k4999")).orElseThrow().value()));
    }
  }

  /** {indexed_offset, key index rows} of t-0, read with SQL. */
  private static long[] indexState(OneLog log) throws java.sql.SQLException {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + log.path() + "?mode=ro");
        java.sql.ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT (SELECT indexed_offset FROM cleaner_points),"
                        + " (SELECT count(*) FROM keys_1_0)")) {
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  @Test
  void aTombstoneDeletesItsKeyAndGoesAfterTheDeleteRetention() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log =
        compactedLog(
            clock,
            TopicSpec.named("t")
                .withCleanupPolicy(CleanupPolicy.COMPACT)
                .withDeleteRetention(Duration.ofHours(1)));
    log.append(ProducerRecord.of("t", "a", "1"));
    log.append(ProducerRecord.of("t", "b", "1"));
    log.append(ProducerRecord.of("t", utf8("a"), null));
    assertEquals(Optional.empty(), log.latest("t", utf8("a")), "a tombstone reads as none");
    log.compact();
    assertEquals(List.of("1:b=1", "2:a=null"), contents(log), "the tombstone stays for readers");
    clock.advance(Duration.ofMinutes(59));
    log.compact();
    assertEquals(List.of("1:b=1", "2:a=null"), contents(log));
    clock.advance(Duration.ofMinutes(2));
    CleanupReport report = log.compact();
    assertEquals(1, report.recordsRemoved());
    assertEquals(List.of("1:b=1"), contents(log));
    assertEquals(Optional.empty(), log.latest("t", utf8("a")));
    // The key may come back.
    log.append(ProducerRecord.of("t", "a", "3"));
    assertEquals("3", text(log.latest("t", utf8("a")).orElseThrow().value()));
  }

  @Test
  void aTombstoneWithZeroDeleteRetentionGoesInTheSamePass() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log =
        compactedLog(
            clock,
            TopicSpec.named("t")
                .withCleanupPolicy(CleanupPolicy.COMPACT)
                .withDeleteRetention(Duration.ZERO));
    log.append(ProducerRecord.of("t", "a", "1"));
    log.append(ProducerRecord.of("t", utf8("a"), null));
    log.compact();
    assertEquals(List.of(), contents(log));
    assertEquals(0, log.describeTopic("t").partitions().get(0).recordCount());
  }

  @Test
  void compactDeleteCombinesBothPolicies() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log =
        compactedLog(
            clock,
            TopicSpec.named("t")
                .withCleanupPolicy(CleanupPolicy.COMPACT_DELETE)
                .withRetention(Duration.ofHours(1)));
    log.append(ProducerRecord.of("t", "a", "1"));
    log.append(ProducerRecord.of("t", "a", "2"));
    clock.advance(Duration.ofMinutes(90));
    log.append(ProducerRecord.of("t", "b", "1"));
    log.append(ProducerRecord.of("t", "b", "2"));
    log.compact();
    assertEquals(List.of("3:b=2"), contents(log));
    assertEquals(Optional.empty(), log.latest("t", utf8("a")), "retention removed a's records");
    assertEquals(2, log.earliestOffset(P0));
  }

  @Test
  void aRecordWithoutAKeyIsRefusedByACompactedTopic() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log = compactedLog(clock, TopicSpec.named("t").withCleanupPolicy(CleanupPolicy.COMPACT));
    InvalidRecordException e =
        assertThrows(
            InvalidRecordException.class, () -> log.append(ProducerRecord.of("t", utf8("v"))));
    assertTrue(e.getMessage().contains("cannot be appended to t-0"), e.getMessage());
    assertEquals(0, log.nextOffset(P0));
  }

  @Test
  void aProcessWithAStaleTopicCacheIsRefusedInsideTheTransaction() {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", "k", "v"));
    try (OneLog other = OneLog.open(log.path())) {
      other.alterTopic("t", spec -> spec.withCleanupPolicy(CleanupPolicy.COMPACT));
    }
    CompletionException e =
        assertThrows(
            CompletionException.class, () -> log.send(ProducerRecord.of("t", utf8("v"))).join());
    assertTrue(e.getCause() instanceof InvalidRecordException, e.toString());
    assertThrows(InvalidRecordException.class, () -> log.append(ProducerRecord.of("t", utf8("v"))));
    assertEquals(1, log.append(ProducerRecord.of("t", "k", "w")).offset());
    assertEquals("w", text(log.latest("t", utf8("k")).orElseThrow().value()));
  }

  @Test
  void alteringATopicToCompactIndexesWhatItHolds() {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", "a", "1"));
    log.append(ProducerRecord.of("t", "a", "2"));
    IllegalArgumentException notCompacted =
        assertThrows(IllegalArgumentException.class, () -> log.latest("t", utf8("a")));
    assertTrue(notCompacted.getMessage().contains("cleanup policy delete"));
    TopicDescription altered =
        log.alterTopic("t", spec -> spec.withCleanupPolicy(CleanupPolicy.COMPACT));
    assertEquals(CleanupPolicy.COMPACT, altered.spec().cleanupPolicy());
    assertEquals("2", text(log.latest("t", utf8("a")).orElseThrow().value()));
    log.compact();
    assertEquals(List.of("1:a=2"), contents(log));
    log.alterTopic("t", spec -> spec.withCleanupPolicy(CleanupPolicy.DELETE));
    log.append(ProducerRecord.of("t", utf8("no key")));
    assertEquals(3, log.nextOffset(P0));
  }

  @Test
  void aTopicHoldingARecordWithoutAKeyCannotBecomeCompacted() {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", "a", "1"));
    log.append(ProducerRecord.of("t", utf8("keyless")));
    InvalidRecordException e =
        assertThrows(
            InvalidRecordException.class,
            () -> log.alterTopic("t", spec -> spec.withCleanupPolicy(CleanupPolicy.COMPACT)));
    assertTrue(e.getMessage().contains("without a key at offset 1"), e.getMessage());
    assertEquals(CleanupPolicy.DELETE, log.describeTopic("t").spec().cleanupPolicy());
    log.deleteRecordsBefore(P0, 2);
    log.alterTopic("t", spec -> spec.withCleanupPolicy(CleanupPolicy.COMPACT));
  }

  @Test
  void alterChangesRetentionAndSettingsAndRefusesRenames() {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t").withRetention(Duration.ofDays(7)));
    TopicDescription d =
        log.alterTopic(
            "t",
            spec ->
                spec.withRetention(null)
                    .withRetentionBytes(1 << 20)
                    .withMinCleanableDirtyRatio(0.1)
                    .withMinCompactionLag(Duration.ofMinutes(5))
                    .withDeleteRetention(Duration.ofHours(2)));
    assertEquals(null, d.spec().retention());
    assertEquals(1L << 20, d.spec().retentionBytes());
    try (OneLog other = OneLog.open(log.path())) {
      TopicSpec read = other.describeTopic("t").spec();
      assertEquals(0.1, read.minCleanableDirtyRatio());
      assertEquals(Duration.ofMinutes(5), read.minCompactionLag());
      assertEquals(Duration.ofHours(2), read.deleteRetention());
    }
    assertThrows(
        IllegalArgumentException.class, () -> log.alterTopic("t", spec -> spec.withPartitions(3)));
    assertThrows(UnknownTopicException.class, () -> log.alterTopic("nope", spec -> spec));
  }

  @Test
  void compactionStartsByItselfOnceTheDirtyShareReachesTheRatio() throws Exception {
    OneLog log = fixture.open();
    log.createTopic(
        TopicSpec.named("t")
            .withCleanupPolicy(CleanupPolicy.COMPACT)
            .withMinCleanableDirtyRatio(0.5));
    for (int i = 0; i < 50; i++) {
      log.append(ProducerRecord.of("t", "k" + (i % 5), "v" + i));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (log.describeTopic("t").partitions().get(0).cleanerOffset() < 50
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    PartitionDescription p = log.describeTopic("t").partitions().get(0);
    assertEquals(50, p.cleanerOffset());
    assertEquals(5, p.recordCount());
  }

  @Test
  void recordsYoungerThanTheCompactionLagWaitOutsideCompact() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log =
        compactedLog(
            clock,
            TopicSpec.named("t")
                .withCleanupPolicy(CleanupPolicy.COMPACT)
                .withMinCompactionLag(Duration.ofHours(1)));
    for (int i = 0; i < 10; i++) {
      log.append(ProducerRecord.of("t", "k", "v" + i));
    }
    Thread.sleep(1500); // the cleaner looks every second
    assertEquals(0, log.describeTopic("t").partitions().get(0).cleanerOffset());
    clock.advance(Duration.ofMinutes(61));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (log.describeTopic("t").partitions().get(0).cleanerOffset() < 10
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(List.of("9:k=v9"), contents(log));
    assertFalse(contents(log).isEmpty());
  }

  @Test
  void twoLogsOnOneFileCompactingAtOnceTakeTurnsThroughTheFile() throws Exception {
    OneLog first = fixture.open();
    first.createTopic(TopicSpec.named("t").withCleanupPolicy(CleanupPolicy.COMPACT));
    OneLog second = fixture.open(OneLog.builder(first.path()));
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      batch.add(ProducerRecord.of("t", "k" + (i % 1000), "v" + i));
    }
    first.append(batch);
    Thread other = new Thread(second::compact);
    other.start();
    first.compact();
    other.join();
    first.append(ProducerRecord.of("t", "k1", "last"));
    second.compact();
    List<String> contents = contents(first);
    assertEquals(1000, contents.size());
    assertEquals("60000:k1=last", contents.get(contents.size() - 1));
    assertEquals("59999:k999=v59999", contents.get(contents.size() - 2));
  }

  @Test
  void passAfterPassTheCleanSectionStaysInLargeBatches() throws Exception {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t").withCleanupPolicy(CleanupPolicy.COMPACT));
    java.util.Random random = new java.util.Random(7);
    byte[] value = new byte[40];
    for (int round = 0; round < 30; round++) {
      List<ProducerRecord> batch = new ArrayList<>();
      for (int i = 0; i < (round == 0 ? 10_000 : 500); i++) {
        int key = round == 0 ? i : random.nextInt(10_000);
        batch.add(ProducerRecord.of("t", ("key-" + key).getBytes(StandardCharsets.UTF_8), value));
      }
      log.append(batch);
      log.compact();
    }
    long records = log.describeTopic("t").recordCount();
    long rows;
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + log.path() + "?mode=ro");
        java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM log_1_0")) {
      rows = rs.getLong(1);
    }
    assertEquals(10_000, records);
    // 10,000 records of 73 bytes fill 12 batches of 64 KiB. Each pass adds a batch of what it
    // kept and takes records out of the older ones: measured, 40 rows without merging, 16 with.
    assertTrue(rows <= 25, rows + " rows for " + records + " records");
  }
}
