package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records committed together share SQLite rows (batches, docs/FORMAT.md): reads, limits and
 * timestamp lookups must see records, never batches.
 */
class BatchesTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  /** 1,000 records of 200 bytes in one commit: about 220 KiB, so several batches. */
  private static List<ProducerRecord> thousandRecords() {
    List<ProducerRecord> records = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      byte[] value = new byte[200];
      value[0] = (byte) i;
      value[199] = (byte) (i >> 8);
      records.add(ProducerRecord.of("t", ("k" + i).getBytes(), value).withTimestampMs(1000 + i));
    }
    return records;
  }

  @Test
  void aCommitOfManyRecordsIsStoredAsSeveralBatchesAndReadAsRecords() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.send(thousandRecords()).join();
    long batches = count(log, "SELECT count(*) FROM log_1_0");
    assertTrue(batches >= 4 && batches <= 10, batches + " batches");
    assertEquals(0, count(log, "SELECT count(*) FROM log_1_0 WHERE length(records) > 64 * 1024"));

    List<LogRecord> all = new ArrayList<>();
    long next = 0;
    while (next < 1000) {
      List<LogRecord> page = log.read(T0, next, new ReadLimit(37, Long.MAX_VALUE));
      assertTrue(!page.isEmpty() && page.size() <= 37);
      all.addAll(page);
      next = page.get(page.size() - 1).offset() + 1;
    }
    assertEquals(1000, all.size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, all.get(i).offset());
      assertEquals(1000 + i, all.get(i).timestampMs());
      assertEquals("k" + i, all.get(i).keyAsString());
      assertEquals((byte) i, all.get(i).value()[0]);
      assertEquals((byte) (i >> 8), all.get(i).value()[199]);
    }
  }

  @Test
  void aReadFromTheMiddleOfABatchStartsAtThatOffsetAndKeepsTheByteLimit() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.send(thousandRecords()).join();
    List<LogRecord> records = log.read(T0, 517, new ReadLimit(500, 1000));
    assertEquals(List.of(517L, 518L, 519L, 520L), offsets(records)); // 4 x (4 + 200) bytes
    assertEquals(
        List.of(999L), offsets(log.read(T0, 999, new ReadLimit(10, 1)))); // at least one record
    assertEquals(List.of(), log.read(T0, 1000, ReadLimit.DEFAULT));
  }

  @Test
  void timestampsOutOfOrderInsideABatchFindTheFirstMatchingOffset() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    long[] timestamps = {50, 10, 300, 200, 100};
    List<ProducerRecord> records = new ArrayList<>();
    for (long ts : timestamps) {
      records.add(ProducerRecord.of("t", null, "v" + ts).withTimestampMs(ts));
    }
    log.send(records).join();
    assertEquals(OptionalLong.of(0), log.offsetForTimestamp(T0, Instant.ofEpochMilli(0)));
    assertEquals(OptionalLong.of(0), log.offsetForTimestamp(T0, Instant.ofEpochMilli(50)));
    assertEquals(OptionalLong.of(2), log.offsetForTimestamp(T0, Instant.ofEpochMilli(60)));
    assertEquals(OptionalLong.of(2), log.offsetForTimestamp(T0, Instant.ofEpochMilli(300)));
    assertEquals(OptionalLong.empty(), log.offsetForTimestamp(T0, Instant.ofEpochMilli(301)));
    assertEquals(300, log.describeTopic("t").partitions().get(0).lastTimestampMs());
  }

  @Test
  void aRecordLargerThanABatchIsABatchOfItsOwn() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    byte[] big = new byte[200 * 1024];
    big[big.length - 1] = 42;
    log.send(
            List.of(
                ProducerRecord.of("t", null, "small"),
                ProducerRecord.of("t", null, big),
                ProducerRecord.of("t", null, "after")))
        .join();
    assertEquals(3, count(log, "SELECT count(*) FROM log_1_0"));
    List<LogRecord> records = log.read(T0, 1, ReadLimit.DEFAULT);
    assertArrayEquals(big, records.get(0).value());
    assertEquals("after", records.get(1).valueAsString());
  }

  @Test
  void aDamagedBatchFailsReadsThatReachItButNotReadsBeforeIt() throws Exception {
    logs.skipInvariants();
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.send(thousandRecords()).join();
    long secondBatchEnd;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + log.path());
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT last_offset FROM log_1_0 ORDER BY last_offset LIMIT 1 OFFSET 1")) {
        assertTrue(rs.next());
        secondBatchEnd = rs.getLong(1);
      }
      s.execute(
          "UPDATE log_1_0 SET records = X'FF' || substr(records, 2) WHERE last_offset = "
              + secondBatchEnd);
    }
    assertEquals(10, log.read(T0, 0, new ReadLimit(10, Long.MAX_VALUE)).size());
    CorruptRecordException e =
        assertThrows(
            CorruptRecordException.class, () -> log.read(T0, secondBatchEnd, ReadLimit.DEFAULT));
    assertTrue(
        e.getMessage().startsWith("the batch of records ending at t-0@" + secondBatchEnd),
        e.getMessage());
    VerifyReport report = log.verify();
    assertEquals(1, report.problems().size(), report.toString());
    assertEquals(secondBatchEnd, report.problems().get(0).offset());
  }

  private static List<Long> offsets(List<LogRecord> records) {
    return records.stream().map(LogRecord::offset).toList();
  }

  private static long count(OneLog log, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + log.path());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
