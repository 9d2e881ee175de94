package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.group.GroupConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Closing the log while others use it: always to the end, and pollers learn it was closed. */
class CloseTest {
  @RegisterExtension final LogFixture logs = new LogFixture();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  /**
   * Before the fix, a poll racing the log's close could fail with a StorageException about a closed
   * connection. Close lands at random moments, before, during and after the first poll.
   */
  @Test
  void aPollRacingTheLogsCloseEndsWithLogClosed() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 40; round++) {
      OneLog log = OneLog.open(logs.file("race-" + round + ".db"));
      log.createTopic(TopicSpec.named("t").withPartitions(2));
      log.append(ProducerRecord.of("t", null, "x").withPartition(0));
      Consumer consumer = log.consumer("t");
      CompletableFuture<Void> poller =
          CompletableFuture.runAsync(
              () -> {
                while (true) {
                  consumer.poll(Duration.ofSeconds(10));
                }
              },
              pool);
      Thread.sleep(random.nextInt(5));
      log.close();
      CompletionException e =
          assertThrows(
              CompletionException.class, () -> poller.orTimeout(10, TimeUnit.SECONDS).join());
      assertTrue(
          e.getCause() instanceof LogClosedException, "round " + round + ": " + e.getCause());
    }
  }

  @Test
  void aGroupMemberPollingWhileTheLogClosesEndsWithLogClosedAndLeavesItsGroup() throws Exception {
    Path file = logs.file("group.db");
    OneLog log = OneLog.open(file);
    log.createTopic(TopicSpec.named("t"));
    GroupConsumer member = log.groups().consumer("g").topics("t").open();
    CompletableFuture<Void> poller =
        CompletableFuture.runAsync(
            () -> {
              while (true) {
                member.poll(Duration.ofSeconds(10));
              }
            },
            pool);
    Thread.sleep(100);
    log.close();
    CompletionException e =
        assertThrows(
            CompletionException.class, () -> poller.orTimeout(10, TimeUnit.SECONDS).join());
    assertTrue(e.getCause() instanceof LogClosedException, e.getCause().toString());
    try (OneLog reopened = OneLog.open(file)) {
      assertEquals(0, reopened.groups().describe("g").members().size(), "the member left on close");
    }
  }

  @Test
  void closeRunsToTheEndAndTheWalIsCheckpointedEvenWhenAMemberCannotLeave() throws Exception {
    Path file = logs.file("stuck.db");
    OneLog log = OneLog.open(file);
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", null, "kept"));
    Consumer consumer = log.consumer("t");
    consumer.poll(Duration.ofMillis(10));
    log.close();
    log.close(); // idempotent
    assertFalse(Files.exists(Path.of(file + "-wal")), "the last connection checkpointed the WAL");
    assertThrows(LogClosedException.class, () -> consumer.poll(Duration.ZERO));
    try (OneLog reopened = OneLog.open(file)) {
      assertEquals(1, reopened.nextOffset(TopicPartition.of("t", 0)));
    }
  }
}
