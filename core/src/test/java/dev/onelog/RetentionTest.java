package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetentionTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  private static final TopicPartition P0 = new TopicPartition("t", 0);

  private static ProducerRecord record(int i, long timestampMs) {
    return ProducerRecord.of("t", "k" + i, "value-" + i).withTimestampMs(timestampMs);
  }

  private static List<Long> offsets(OneLog log) {
    List<Long> offsets = new ArrayList<>();
    for (LogRecord r : log.read(P0, 0, ReadLimit.records(100_000))) {
      offsets.add(r.offset());
    }
    return offsets;
  }

  @Test
  void retentionByTimeDeletesWholeBatchesWhoseNewestRecordIsTooOld() {
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log = fixture.open(fixture.builder().clock(clock));
    log.createTopic(TopicSpec.named("t").withRetention(Duration.ofHours(1)));
    long start = clock.millis();
    // Three batches (one append each): an hour apart.
    log.append(List.of(record(0, start), record(1, start + 10)));
    log.append(List.of(record(2, start + 3_600_000), record(3, start + 3_600_010)));
    log.append(record(4, start + 7_200_000));
    clock.advance(Duration.ofMinutes(90)); // now - 1 h = start + 30 min: the first batch is too old
    CleanupReport report = log.compact();
    assertEquals(1, report.batchesDeleted());
    assertEquals(2, log.earliestOffset(P0));
    assertEquals(List.of(2L, 3L, 4L), offsets(log));
    clock.advance(Duration.ofHours(10));
    log.compact();
    assertEquals(5, log.earliestOffset(P0));
    assertEquals(5, log.nextOffset(P0));
    assertEquals(List.of(), offsets(log));
    assertEquals(5, log.append(record(5, clock.millis())).offset(), "offsets are never reused");
  }

  @Test
  void retentionBytesKeepsThePartitionWithinOneBatchOfTheLimit() {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t").withRetentionBytes(100));
    for (int i = 0; i < 20; i++) {
      log.append(ProducerRecord.of("t", "k", "0123456789")); // 11 bytes, one batch each
    }
    log.compact();
    PartitionDescription p = log.describeTopic("t").partitions().get(0);
    assertTrue(p.sizeInBytes() <= 100 + 11, "size " + p.sizeInBytes());
    assertTrue(p.sizeInBytes() >= 100, "size " + p.sizeInBytes());
    assertEquals(20 - p.recordCount(), p.earliestOffset());
  }

  @Test
  void retentionRunsByItselfWithoutCompactBeingCalled() throws Exception {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t").withRetentionBytes(50));
    for (int i = 0; i < 20; i++) {
      log.append(ProducerRecord.of("t", "k", "0123456789"));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (log.earliestOffset(P0) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(log.earliestOffset(P0) > 0, "the idle writer ran retention");
  }

  @Test
  void deleteRecordsBeforeOnAPartitionWithoutItsRowSaysTheFileIsDamaged() throws Exception {
    fixture.skipInvariants();
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", "k", "v"));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + log.path());
        java.sql.Statement s = c.createStatement()) {
      s.execute("DELETE FROM partitions WHERE partition = 0");
    }
    CorruptRecordException e =
        assertThrows(CorruptRecordException.class, () -> log.deleteRecordsBefore(P0, 1));
    assertTrue(e.getMessage().contains("no row for t-0"), e.getMessage());
  }

  @Test
  void deleteRecordsBeforeMovesTheEarliestOffsetExactlyEvenInsideABatch() {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t"));
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(ProducerRecord.of("t", "k" + i, "v" + i));
    }
    log.append(batch); // offsets 0..9 in one batch
    log.append(batch); // 10..19
    assertEquals(13, log.deleteRecordsBefore(P0, 13));
    assertEquals(13, log.earliestOffset(P0));
    assertEquals(13, log.read(P0, 0, ReadLimit.records(1)).get(0).offset());
    assertEquals(7, log.read(P0, 5, ReadLimit.records(100)).size());
    assertEquals(7, log.describeTopic("t").partitions().get(0).recordCount());
    assertEquals(13, log.deleteRecordsBefore(P0, 4), "never moves back");
    assertEquals(20, log.deleteRecordsBefore(P0, 20));
    assertEquals(List.of(), offsets(log));
    OffsetOutOfRangeException e =
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(P0, 21));
    assertTrue(e.getMessage().contains("give an offset from 0 to 20"), e.getMessage());
    assertEquals(20, log.append(ProducerRecord.of("t", "k", "v")).offset());
    String value =
        new String(log.read(P0, 0, ReadLimit.records(1)).get(0).value(), StandardCharsets.UTF_8);
    assertEquals("v", value);
  }

  @Test
  void theFileShrinksAfterDeletes() {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t"));
    byte[] value = new byte[1000];
    for (int round = 0; round < 20; round++) {
      List<ProducerRecord> records = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        records.add(ProducerRecord.of("t", value));
      }
      log.append(records);
    }
    long before = log.fileSizeBytes();
    log.deleteRecordsBefore(P0, log.nextOffset(P0));
    CleanupReport report = log.compact();
    long after = log.fileSizeBytes();
    assertTrue(report.pagesFreed() > 0, report.toString());
    assertTrue(after < before / 4, "file " + before + " -> " + after);
  }
}
