package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.group.OffsetAndMetadata;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consume-transform-produce in a process ({@link ChildMember} transform) that this one kills with
 * SIGKILL at random moments, many times, and starts again, until it is done: one {@code
 * log.transaction} per poll sends an output record and inserts a row per input record and commits
 * the member's offsets, so however often it dies, each input is in the output topic and in the
 * table exactly once, and the committed offsets are the input's ends.
 *
 * <p>The child is a static member (one instance id for every run). A killed member's partitions
 * stay leased to it until its session expires; a static member that comes back takes over its
 * predecessor's row and leases at once, while a dynamic one would wait for the predecessor's
 * session to expire on every restart (a 1 s session would add about 1.3 s per kill, half a minute
 * over 20 kills, and a shorter one would risk expiring a live member on a busy machine).
 *
 * <p>The moments are seeded: {@code -Donelog.seed=S} repeats a run, {@code -Donelog.kills=N} kills
 * N times (default 20). Each kill comes after the child committed a random number (0..5) of
 * transactions of its run plus a random 0..9 ms, so kills land while it starts and joins, inside a
 * transaction and its commit, and between transactions.
 *
 * <p>A kill -9 cannot tell {@link Durability#FSYNC} from {@link Durability#NORMAL}: the killed
 * process's committed writes survive in the OS page cache either way. Power loss, which can, is
 * simulated in a later issue.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TransactionKillIT {
  private static final String GROUP = "transformer";
  private static final String IN = "in";
  private static final String OUT = "out";
  private static final int PARTITIONS = 3;
  private static final int MAX_POLL_RECORDS = 10;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ChildJvm child;

  @AfterEach
  void killChild() {
    if (child != null) {
      child.close();
    }
  }

  @Test
  void eachInputIsTransformedExactlyOnceHoweverOftenTheTransformerIsKilled() throws Exception {
    int kills = Integer.getInteger("onelog.kills", 20);
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    int count = PARTITIONS * Math.max(1000, 50 * kills);
    System.out.printf(
        "TransactionKillIT: seed %d (-Donelog.seed=%d repeats it), %d kills, %d records%n",
        seed, seed, kills, count);
    Random random = new Random(seed);
    Path file = dir.resolve("transform.db");
    long started = System.nanoTime();
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named(IN).withPartitions(PARTITIONS));
      log.createTopic(TopicSpec.named(OUT).withPartitions(PARTITIONS));
      List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sent.add(
            log.send(ProducerRecord.of(IN, "k-" + i, "id-" + i).withPartition(i % PARTITIONS)));
      }
      sent.forEach(CompletableFuture::join);
    }

    int runs = 0;
    int killed = 0;
    int transactions = 0;
    List<Integer> transactionsPerKilledRun = new ArrayList<>();
    while (true) {
      runs++;
      child =
          ChildJvm.start(
              "transformer-" + runs,
              ChildMember.class,
              List.of(
                  "transform",
                  file.toString(),
                  GROUP,
                  IN,
                  OUT,
                  Integer.toString(count),
                  "transformer",
                  Integer.toString(MAX_POLL_RECORDS)));
      if (killed < kills) {
        int afterTransactions = random.nextInt(6);
        int extraMs = random.nextInt(10);
        if (afterTransactions > 0) {
          int[] seen = {0}; // await tests each line once, in order
          child.await(
              l ->
                  l.text().startsWith("DONE ")
                      || (l.text().startsWith("TX ") && ++seen[0] == afterTransactions),
              WAIT,
              "transaction " + afterTransactions);
        }
        TimeUnit.MILLISECONDS.sleep(extraMs);
        if (child.lines("DONE").isEmpty()) {
          child.kill();
          killed++;
          int done = child.lines("TX").size();
          transactions += done;
          transactionsPerKilledRun.add(done);
          continue;
        }
      }
      child.awaitSuccess(WAIT);
      transactions += child.lines("TX").size();
      break;
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    try (OneLog log = OneLog.open(file)) {
      Map<String, Integer> inOutput = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        List<LogRecord> out = PartitionRecords.all(log, TopicPartition.of(OUT, p));
        List<LogRecord> in = PartitionRecords.all(log, TopicPartition.of(IN, p));
        assertEquals(
            in.stream().map(LogRecord::valueAsString).toList(),
            out.stream().map(LogRecord::valueAsString).toList(),
            "output partition "
                + p
                + " holds input partition "
                + p
                + "'s ids, once each, in order");
        for (int n = 0; n < out.size(); n++) {
          assertEquals(n, out.get(n).offset(), "output offsets have no gaps");
          inOutput.merge(out.get(n).valueAsString(), 1, Integer::sum);
        }
        assertEquals(
            OffsetAndMetadata.of(in.size()),
            log.groups().committed(GROUP).get(TopicPartition.of(IN, p)),
            "committed offset of " + IN + "-" + p);
      }
      assertEquals(count, inOutput.size(), "ids in the output");
      Map<String, Integer> inTable = tableRows(file);
      assertEquals(count, inTable.size(), "ids in the table");
      for (int i = 0; i < count; i++) {
        assertEquals(1, inOutput.get("id-" + i), "id-" + i + " in the output");
        assertEquals(1, inTable.get("id-" + i), "id-" + i + " in the table");
      }
      assertTrue(log.verify().ok(), () -> log.verify().problems().toString());
    }
    LogInvariants.check(file);
    assertEquals(kills, killed, "kills before the child was done");
    System.out.printf(
        "TransactionKillIT: seed %d, %d kills in %d runs, %d records each once in the output and"
            + " the table, %d transactions committed (%s by the killed runs), %d ms%n",
        seed, killed, runs, count, transactions, transactionsPerKilledRun, elapsedMs);
  }

  /** How often each id is in the child's table, read with plain SQL. */
  private static Map<String, Integer> tableRows(Path file) throws SQLException {
    Map<String, Integer> rows = new HashMap<>();
    try (Connection c = ChildMember.readOnly(file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM processed")) {
      while (rs.next()) {
        rows.merge(rs.getString(1), 1, Integer::sum);
      }
    }
    return rows;
  }
}
