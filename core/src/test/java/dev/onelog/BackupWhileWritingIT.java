package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup while two writers append without pause: a thread of this process, committing pairs of
 * records to two topics atomically, and another process ({@link ChildAppender}), committing to a
 * third. The backup must finish, in bounded time, without ever starting over (the progress it
 * reports only grows), and the copy must be one instant of the log: whole pairs, every record
 * acknowledged before the backup began, and each record the same as in the log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackupWhileWritingIT {
  /** Far above the seconds the copy of a few tens of MB takes, far below a stuck copy's forever. */
  private static final Duration BACKUP_BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private ChildJvm child;

  @AfterEach
  void stopEverything() throws InterruptedException {
    if (child != null) {
      child.close();
    }
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS), "workers stopped");
  }

  @Test
  void aBackupFinishesAndHoldsOneInstantWhileThisAndAnotherProcessAppend() throws Exception {
    Path file = dir.resolve("log.db");
    Path copy = dir.resolve("copy.db");
    byte[] value = new byte[1000];
    try (OneLog log = OneLog.builder(file).durability(Durability.NORMAL).open()) {
      log.createTopic(TopicSpec.named("a"));
      log.createTopic(TopicSpec.named("b"));
      log.createTopic(TopicSpec.named("child"));
      for (int i = 0; i < 24_000; i++) { // about 48 MB: ten steps of the copy or more
        log.send(List.of(ProducerRecord.of("a", value), ProducerRecord.of("b", value)));
      }
      log.flush();

      child =
          ChildJvm.start(
              "appender",
              ChildAppender.class,
              List.of(
                  file.toString(),
                  "child",
                  "100000000",
                  "--window",
                  "16",
                  "--durability",
                  "NORMAL",
                  "--await-go"));
      child.awaitLine("READY", Duration.ofSeconds(30));
      child.send("go");
      AtomicBoolean stop = new AtomicBoolean();
      Future<Long> writer =
          executor.submit(
              () -> {
                long pairs = 0;
                while (!stop.get()) {
                  log.append(List.of(ProducerRecord.of("a", value), ProducerRecord.of("b", value)));
                  pairs++;
                }
                return pairs;
              });
      child.await(l -> l.text().startsWith("ACK 0 1000 "), Duration.ofSeconds(30), "ACK 1000");
      while (log.nextOffset(TopicPartition.of("a", 0)) < 20_100) {
        Thread.sleep(1);
      }
      long pairsBefore = log.nextOffset(TopicPartition.of("a", 0));
      long childAckedBefore = child.lines("ACK").size();
      List<long[]> progress = new ArrayList<>();

      long startedNanos = System.nanoTime();
      Future<BackupResult> backup =
          executor.submit(
              () ->
                  log.backup(
                      copy,
                      BackupOptions.defaults()
                          .withProgress((done, total) -> progress.add(new long[] {done, total}))));
      BackupResult result = backup.get(BACKUP_BOUND.toSeconds(), TimeUnit.SECONDS);
      long endedNanos = System.nanoTime();
      long pairsAfter = log.nextOffset(TopicPartition.of("a", 0));
      stop.set(true);
      long pairsWritten = writer.get(30, TimeUnit.SECONDS);
      child.close(); // SIGKILL, perhaps mid-commit: SQLite keeps the log consistent
      List<ChildJvm.Line> acks = child.lines("ACK");
      long childDuring =
          acks.stream()
              .filter(l -> l.arrivedNanos() > startedNanos && l.arrivedNanos() < endedNanos)
              .count();
      System.out.printf(
          "backup of %d bytes in %d ms; meanwhile %d pairs here and %d records in the other"
              + " process were committed (%d pairs in all)%n",
          result.sizeBytes(),
          result.elapsed().toMillis(),
          pairsAfter - pairsBefore,
          childDuring,
          pairsWritten);

      assertTrue(pairsAfter > pairsBefore, "this process committed during the backup");
      assertTrue(childDuring > 0, "the other process committed during the backup");
      assertTrue(progress.size() >= 10, "steps reported: " + progress.size());
      for (int i = 1; i < progress.size(); i++) {
        assertTrue(
            progress.get(i)[0] > progress.get(i - 1)[0],
            "copied bytes only grow: a restart would begin again at the first page; step " + i);
        assertEquals(result.sizeBytes(), progress.get(i)[1]);
      }
      assertEquals(result.sizeBytes(), progress.get(progress.size() - 1)[0]);

      try (OneLog restored = OneLog.open(copy)) {
        assertTrue(restored.verify().ok(), restored.verify().toString());
        long pairs = restored.nextOffset(TopicPartition.of("a", 0));
        assertEquals(pairs, restored.nextOffset(TopicPartition.of("b", 0)), "whole pairs only");
        assertTrue(pairs >= pairsBefore && pairs <= pairsAfter, pairs + " pairs in the copy");
        TopicPartition childPartition = TopicPartition.of("child", 0);
        long childRecords = restored.nextOffset(childPartition);
        assertTrue(
            childRecords >= childAckedBefore,
            "every record the other process had acknowledged before the backup: "
                + childRecords
                + " >= "
                + childAckedBefore);
        assertTrue(childRecords <= log.nextOffset(childPartition));
        for (long offset = 0; offset < childRecords; ) {
          List<LogRecord> copied = restored.read(childPartition, offset, ReadLimit.DEFAULT);
          List<LogRecord> original = log.read(childPartition, offset, ReadLimit.DEFAULT);
          for (int i = 0; i < copied.size(); i++) {
            assertEquals("child-" + (offset + i), copied.get(i).valueAsString());
            assertEquals(original.get(i).timestampMs(), copied.get(i).timestampMs());
          }
          offset += copied.size();
        }
      }
      LogInvariants.check(copy);
    }
    LogInvariants.check(file);
  }
}
