package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.group.GroupConsumer;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.group.OffsetReset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** log.transaction: records, offsets and the caller's SQL commit together or not at all. */
class TransactionTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition IN = TopicPartition.of("in", 0);
  private static final TopicPartition OUT = TopicPartition.of("out", 0);

  private OneLog log() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("in"));
    log.createTopic(TopicSpec.named("out"));
    log.transaction(tx -> tx.execute("CREATE TABLE seen (id TEXT PRIMARY KEY, total INTEGER)"));
    return log;
  }

  @Test
  void consumeTransformProduceCommitsRecordsRowsAndOffsetsTogether() {
    OneLog log = log();
    for (int i = 0; i < 10; i++) {
      log.append(ProducerRecord.of("in", "k" + i, Integer.toString(i)));
    }
    try (GroupConsumer consumer =
        log.groups()
            .consumer("doubler")
            .topics("in")
            .offsetReset(OffsetReset.EARLIEST)
            .noAutoCommit()
            .open()) {
      List<LogRecord> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (records.size() < 10 && System.nanoTime() < deadline) {
        records.addAll(consumer.poll(Duration.ofMillis(50)));
      }
      List<RecordMetadata> sent =
          log.transactionResult(
              tx -> {
                List<RecordMetadata> out = new ArrayList<>();
                for (LogRecord r : records) {
                  int doubled = 2 * Integer.parseInt(r.valueAsString());
                  out.add(tx.send(ProducerRecord.of("out", r.keyAsString(), "" + doubled)));
                  tx.execute(
                      "INSERT INTO seen (id, total) VALUES (?, ?)", r.keyAsString(), doubled);
                }
                tx.commitOffsets(consumer.groupMetadata(), GroupConsumer.nextOffsets(records));
                return out;
              });
      assertEquals(10, sent.size());
      assertEquals(9, sent.get(9).offset());
    }
    assertEquals(10, log.nextOffset(OUT));
    assertEquals("18", log.read(OUT, 9, ReadLimit.DEFAULT).get(0).valueAsString());
    assertEquals(10, log.groups().committed("doubler").get(IN).offset());
    long rows =
        log.transactionResult(
            tx -> tx.query("SELECT count(*), sum(total) FROM seen", row -> row.getLong(1)).get(0));
    assertEquals(10, rows);
  }

  @Test
  void aBodyThatThrowsLeavesNothingBehindAndItsExceptionReachesTheCaller() {
    OneLog log = log();
    IllegalStateException thrown = new IllegalStateException("changed my mind");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                log.transaction(
                    tx -> {
                      tx.send(ProducerRecord.of("out", null, "x"));
                      tx.execute("INSERT INTO seen (id, total) VALUES ('a', 1)");
                      tx.commitOffsets("g", Map.of(IN, OffsetAndMetadata.of(0)));
                      throw thrown;
                    }));
    assertSame(thrown, e);
    assertEquals(0, log.nextOffset(OUT));
    assertEquals(Map.of(), log.groups().committed("g"));
    long rows =
        log.transactionResult(
            tx -> tx.query("SELECT count(*) FROM seen", row -> row.getLong(1)).get(0));
    assertEquals(0, rows);
    // a checked exception arrives wrapped, with its cause
    OneLogException wrapped =
        assertThrows(
            OneLogException.class,
            () ->
                log.transaction(
                    tx -> {
                      throw new java.io.IOException("disk on fire");
                    }));
    assertTrue(wrapped.getCause() instanceof java.io.IOException);
  }

  @Test
  void sqlThatWouldBreakTheLogIsRefusedWithAReason() {
    OneLog log = log();
    log.append(ProducerRecord.of("in", null, "x"));
    for (String sql :
        List.of(
            "INSERT INTO topics (name, partitions, cleanup_policy, created_at_ms) VALUES ('x', 1,"
                + " 'delete', 0)",
            "DELETE FROM log_1_0",
            "UPDATE partitions SET next_offset = 0",
            "DROP TABLE group_offsets",
            "CREATE TRIGGER sneaky AFTER INSERT ON partitions BEGIN SELECT 1; END",
            "CREATE TABLE log_99_0 (x)",
            "COMMIT",
            "  begin immediate",
            "ROLLBACK TO step",
            "PRAGMA journal_mode=DELETE",
            "ATTACH DATABASE 'other.db' AS other",
            "VACUUM")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> log.transaction(tx -> tx.execute(sql)), sql);
      assertTrue(e.getMessage().contains(sql.trim()), e.getMessage());
    }
    assertEquals(1, log.nextOffset(IN));
    // Reading onelog's tables, and writing one's own, is fine.
    assertEquals(
        List.of("in", "out"),
        log.transactionResult(
            tx -> tx.query("SELECT name FROM topics ORDER BY name", row -> row.getString(1))));
    log.transaction(tx -> tx.execute("CREATE INDEX seen_total ON seen (total)"));
  }

  @Test
  void sqlErrorsNameTheStatementAndFailOnlyTheBody() {
    OneLog log = log();
    log.transaction(tx -> tx.execute("INSERT INTO seen (id, total) VALUES ('a', 1)"));
    StorageException e =
        assertThrows(
            StorageException.class,
            () ->
                log.transaction(tx -> tx.execute("INSERT INTO seen (id, total) VALUES ('a', 2)")));
    assertTrue(
        e.getMessage().contains("INSERT INTO seen (id, total) VALUES ('a', 2)"), e.getMessage());
    assertTrue(e.getMessage().contains("UNIQUE"), e.getMessage());
    IllegalArgumentException wrongArgs =
        assertThrows(
            IllegalArgumentException.class,
            () -> log.transaction(tx -> tx.execute("INSERT INTO seen (id) VALUES (?)")));
    assertEquals("the statement has 1 parameter(s) but 0 were given", wrongArgs.getMessage());
    log.append(ProducerRecord.of("in", null, "still fine"));
  }

  @Test
  void callingTheLogFromInsideATransactionIsRefusedInsteadOfWaitingForever() {
    OneLog log = log();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> log.transaction(tx -> log.append(ProducerRecord.of("out", null, "x"))));
    assertTrue(e.getMessage().contains("would wait for itself"), e.getMessage());
    Transaction[] kept = new Transaction[1];
    log.transaction(tx -> kept[0] = tx);
    assertThrows(
        IllegalStateException.class, () -> kept[0].send(ProducerRecord.of("out", null, "late")));
    assertEquals(0, log.nextOffset(OUT));
  }

  @Test
  void recordsSentInATransactionFollowEverythingAppendedBeforeIt() {
    OneLog log = log();
    List<java.util.concurrent.CompletableFuture<RecordMetadata>> before = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      before.add(log.send(ProducerRecord.of("out", null, "before-" + i)));
    }
    RecordMetadata inside =
        log.transactionResult(tx -> tx.send(ProducerRecord.of("out", null, "inside")));
    assertEquals(100, inside.offset());
    for (int i = 0; i < 100; i++) {
      assertEquals(i, before.get(i).join().offset());
    }
  }
}
