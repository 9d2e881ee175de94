package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WriteFailuresTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  @Test
  void aRecordOverTheLimitIsRefusedBeforeAnythingIsWritten() {
    OneLog log = logs.open(logs.builder().maxRecordSizeBytes(1000));
    log.createTopic(TopicSpec.named("t"));
    RecordTooLargeException e =
        assertThrows(
            RecordTooLargeException.class,
            () -> log.send(ProducerRecord.of("t", new byte[10], new byte[991])));
    assertEquals(1001, e.recordSizeBytes());
    assertEquals(
        "record for t-0 is 1001 bytes (key, value and headers); the log's maximum record size is 1000"
            + " bytes. Split the value, or open the log with a larger maxRecordSizeBytes",
        e.getMessage());
    log.append(ProducerRecord.of("t", new byte[10], new byte[990]));
    assertEquals(1, log.nextOffset(T0));
  }

  @Test
  void theDefaultLimitIsOneMebibyte() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", null, new byte[1 << 20]));
    assertThrows(
        RecordTooLargeException.class,
        () -> log.append(ProducerRecord.of("t", null, new byte[(1 << 20) + 1])));
  }

  /**
   * A full disk, simulated by SQLite's max_page_count (the log's maxFileSizeBytes): the failed
   * commit acknowledges nothing, stores nothing, and appends work again once space is freed.
   */
  @Test
  void aFullDiskFailsTheCommitAndAppendsResumeWhenSpaceIsFreed() {
    OneLog log = logs.open(logs.builder().maxFileSizeBytes(2L << 20));
    log.createTopic(TopicSpec.named("t"));
    log.createTopic(TopicSpec.named("filler"));
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    byte[] value = new byte[4000];
    DiskFullException full = null;
    for (int i = 0; i < 2000 && full == null; i++) {
      futures.add(log.send(ProducerRecord.of(i % 2 == 0 ? "t" : "filler", null, value)));
      if (i % 50 == 49) {
        try {
          futures.get(futures.size() - 1).join();
        } catch (CompletionException e) {
          if (!(e.getCause() instanceof DiskFullException)) {
            throw new AssertionError("expected a DiskFullException", e.getCause());
          }
          full = (DiskFullException) e.getCause();
        }
      }
    }
    assertTrue(full != null, "the file cap was never reached");
    assertTrue(full.getMessage().startsWith("disk full while appending"), full.getMessage());
    assertTrue(
        full.getMessage().contains("nothing of this write was committed"), full.getMessage());
    for (int i = 0; i < 3; i++) {
      // Still full: each further commit fails the same way (sqlite-jdbc finalized the failed
      // statement; the writer must not reuse it).
      CompletableFuture<RecordMetadata> again =
          log.send(ProducerRecord.of("t", null, new byte[200_000]));
      CompletionException e = assertThrows(CompletionException.class, again::join);
      assertTrue(e.getCause() instanceof DiskFullException, e.getCause().toString());
    }
    long acknowledgedInT =
        futures.stream()
            .filter(f -> !f.isCompletedExceptionally())
            .map(CompletableFuture::join)
            .filter(m -> m.topic().equals("t"))
            .count();
    assertEquals(
        acknowledgedInT,
        log.nextOffset(T0),
        "every acknowledged record, and nothing else, is stored");
    assertEquals(acknowledgedInT, log.read(T0, 0, ReadLimit.records(10_000)).size());

    log.deleteTopic("filler");
    RecordMetadata after = log.append(ProducerRecord.of("t", null, value));
    assertEquals(acknowledgedInT, after.offset());
  }

  @Test
  void aCorruptedRecordIsReportedByVerifyAndRefusedByRead() throws Exception {
    logs.skipInvariants();
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    for (int i = 0; i < 5; i++) {
      log.append(ProducerRecord.of("t", null, "v" + i).withPartition(1));
    }
    assertTrue(log.verify().ok());
    assertEquals(5, log.verify().recordsChecked());
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + log.path());
        var s = c.createStatement()) {
      // each append was its own batch; change the last byte, v3's '3', to 'X'
      s.execute(
          "UPDATE log_1_1 SET records = substr(records, 1, length(records) - 1) || X'58'"
              + " WHERE last_offset = 3");
    }
    VerifyReport report = log.verify();
    assertEquals(1, report.problems().size(), report.toString());
    VerifyReport.Problem problem = report.problems().get(0);
    assertEquals("t", problem.topic());
    assertEquals(1, problem.partition());
    assertEquals(3, problem.offset());
    assertTrue(problem.description().startsWith("CRC32C mismatch"), problem.description());
    CorruptRecordException e =
        assertThrows(
            CorruptRecordException.class,
            () -> log.read(TopicPartition.of("t", 1), 0, ReadLimit.DEFAULT));
    assertTrue(
        e.getMessage().startsWith("the batch of records ending at t-1@3 is damaged"),
        e.getMessage());
  }

  @Test
  void verifyReportsCountersThatDisagreeWithTheRows() throws Exception {
    logs.skipInvariants();
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", null, "v"));
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + log.path());
        var s = c.createStatement()) {
      s.execute("UPDATE partitions SET record_count = 7, next_offset = 0");
    }
    List<String> problems =
        log.verify().problems().stream().map(VerifyReport.Problem::toString).toList();
    assertEquals(
        List.of(
            "t-0@0: offset outside [log start offset 0, next offset 0)",
            "t-0@-1: partitions.record_count is 7 but 1 records are stored"),
        problems);
  }
}
