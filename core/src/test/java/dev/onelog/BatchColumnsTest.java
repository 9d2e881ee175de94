package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * A batch row's {@code last_offset}, {@code record_count} and {@code max_timestamp_ms} are not
 * covered by its CRC (docs/FORMAT.md section 3): reads check them against the records they decode,
 * so that a row edited by hand fails the read instead of returning records past the row's end or
 * letting a consumer skip some.
 */
class BatchColumnsTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  /** Topic t, one batch of offsets 0..4 with timestamps 10, 20, 30, 40, 50. */
  private OneLog fiveRecordsInOneBatch() {
    logs.skipInvariants();
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    List<ProducerRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(ProducerRecord.of("t", null, "v" + i).withTimestampMs(10 * (i + 1)));
    }
    log.append(records);
    return log;
  }

  @Test
  void aRecordCountThatDisagreesWithTheRecordsFailsAReadThatWalksTheBatch() throws Exception {
    OneLog log = fiveRecordsInOneBatch();
    execute(log, "UPDATE log_1_0 SET record_count = 6");
    assertCorrupt(
        "t-0@4 is damaged: its record_count is 6 but it holds 5 records",
        () -> log.read(T0, 0, ReadLimit.DEFAULT));
    // A read whose limit ends on the batch's last record has walked it all, too.
    assertCorrupt(
        "t-0@4 is damaged: its record_count is 6 but it holds 5 records",
        () -> log.read(T0, 0, ReadLimit.records(5)));
    // One that stops inside the batch need not walk the rest.
    assertEquals(2, log.read(T0, 0, ReadLimit.records(2)).size());
  }

  @Test
  void aLastOffsetBelowTheLastRecordFailsTheReadInsteadOfReturningRecordsPastIt() throws Exception {
    OneLog log = fiveRecordsInOneBatch();
    execute(log, "UPDATE log_1_0 SET last_offset = 2");
    assertCorrupt(
        "t-0@2 is damaged: it holds offset 3, above its last_offset",
        () -> log.read(T0, 0, ReadLimit.DEFAULT));
    // Ending on offset 2 would send the next read past the row, skipping offsets 3 and 4.
    assertCorrupt(
        "t-0@2 is damaged: it holds offset 3, above its last_offset",
        () -> log.read(T0, 0, ReadLimit.records(3)));
    // Stopped by the byte limit before offset 3: the next read starts at 3, past the row.
    assertCorrupt(
        "t-0@2 is damaged: it holds offset 3, above its last_offset",
        () -> log.read(T0, 0, new ReadLimit(100, 3 * 2)));
    assertEquals(2, log.read(T0, 0, ReadLimit.records(2)).size());
  }

  @Test
  void aLastOffsetAboveTheLastRecordFailsAReadThatWalksTheBatch() throws Exception {
    OneLog log = fiveRecordsInOneBatch();
    execute(log, "UPDATE log_1_0 SET last_offset = 7");
    assertCorrupt(
        "t-0@7 is damaged: its last record is at offset 4, not at its last_offset",
        () -> log.read(T0, 0, ReadLimit.DEFAULT));
    assertCorrupt(
        "t-0@7 is damaged: its last record is at offset 4, not at its last_offset",
        () -> log.read(T0, 5, ReadLimit.DEFAULT));
  }

  @Test
  void aMaxTimestampThatDisagreesWithTheRecordsFailsTheSearchByTime() throws Exception {
    OneLog log = fiveRecordsInOneBatch();
    assertEquals(OptionalLong.of(4), log.offsetForTimestamp(T0, Instant.ofEpochMilli(45)));
    execute(log, "UPDATE log_1_0 SET max_timestamp_ms = 45");
    assertCorrupt(
        "t-0@4 is damaged: its max_timestamp_ms is 45 but its records' largest timestamp is 50",
        () -> log.offsetForTimestamp(T0, Instant.ofEpochMilli(45)));
    assertCorrupt(
        "t-0@4 is damaged: its max_timestamp_ms is 45 but its records' largest timestamp is 50",
        () -> log.offsetForTimestamp(T0, Instant.ofEpochMilli(15)));
  }

  @Test
  void theSearchByTimeChecksTheRecordCountAndLastOffsetToo() throws Exception {
    OneLog log = fiveRecordsInOneBatch();
    execute(log, "UPDATE log_1_0 SET record_count = 4");
    assertCorrupt(
        "t-0@4 is damaged: its record_count is 4 but it holds 5 records",
        () -> log.offsetForTimestamp(T0, Instant.ofEpochMilli(15)));
    execute(log, "UPDATE log_1_0 SET record_count = 5, last_offset = 3");
    assertCorrupt(
        "t-0@3 is damaged: it holds offset 4, above its last_offset",
        () -> log.offsetForTimestamp(T0, Instant.ofEpochMilli(45)));
  }

  private static void assertCorrupt(String expected, Executable read) {
    CorruptRecordException e = assertThrows(CorruptRecordException.class, read);
    assertTrue(
        e.getMessage().startsWith("the batch of records ending at " + expected), e.getMessage());
  }

  private static void execute(OneLog log, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + log.path());
        Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate(sql), sql);
    }
  }
}
