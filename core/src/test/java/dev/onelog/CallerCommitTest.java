package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A synchronous {@code append} commits on the caller's own thread when the writer sleeps with
 * nothing queued (Writer#appendAndWait); it must keep every promise the writer thread keeps: an
 * append racing close is either stored or refused (and each caller's order: {@link SendOrderTest}).
 */
class CallerCommitTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  @Test
  void aLoneSynchronousAppendCommitsOnTheCallersThread() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    Map<String, AtomicInteger> committers = new ConcurrentHashMap<>();
    log.onCommit(
        () ->
            committers
                .computeIfAbsent(Thread.currentThread().getName(), name -> new AtomicInteger())
                .incrementAndGet());
    for (int i = 0; i < 50; i++) {
      log.append(ProducerRecord.of("t", "k", "v" + i));
    }
    int mine = committers.getOrDefault(Thread.currentThread().getName(), new AtomicInteger()).get();
    // Only a maintenance task falling due (none in 50 appends, in practice) wakes the writer.
    assertTrue(mine >= 40, "commits by thread: " + committers);
    assertEquals(50, log.nextOffset(TopicPartition.of("t", 0)));
    assertEquals(50, TopicContents.byValue(log, "t").size());
  }

  @Test
  void aLoneTransactionRunsOnTheCallersThreadAndStillCannotWaitForTheLog() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    String caller = Thread.currentThread().getName();
    int mine = 0;
    for (int i = 0; i < 20; i++) {
      String ranOn =
          log.transactionResult(
              tx -> {
                tx.send(ProducerRecord.of("t", "k", "v"));
                return Thread.currentThread().getName();
              });
      mine += ranOn.equals(caller) ? 1 : 0;
    }
    assertTrue(mine >= 15, mine + " of 20 transactions ran on the caller's thread");
    // The caller holds the writer's turn while its body runs: waiting for the log would deadlock.
    RuntimeException nested =
        assertThrows(
            RuntimeException.class,
            () -> log.transaction(tx -> log.append(ProducerRecord.of("t", "k", "inner"))));
    assertInstanceOf(IllegalStateException.class, nested, nested.toString());
    assertEquals(20, log.nextOffset(TopicPartition.of("t", 0)));
  }

  @Test
  void appendsRacingCloseAreEitherStoredOrRefused() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    List<String> acknowledged = new ArrayList<>();
    List<Throwable> refused = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread appender =
        new Thread(
            () -> {
              for (int i = 0; ; i++) {
                try {
                  log.append(ProducerRecord.of("t", "k", "v" + i));
                  acknowledged.add("v" + i);
                } catch (RuntimeException e) {
                  refused.add(e);
                  return;
                } finally {
                  if (i == 100) {
                    started.countDown();
                  }
                }
              }
            });
    appender.start();
    started.await();
    log.close();
    appender.join(30_000);
    assertEquals(1, refused.size(), "the appender stops at its first refusal");
    assertInstanceOf(LogClosedException.class, refused.get(0));
    try (OneLog reopened = OneLog.open(logs.file("test.db"))) {
      Map<String, List<long[]>> kept = TopicContents.byValue(reopened, "t");
      assertEquals(acknowledged.size(), kept.size(), "everything acknowledged, nothing else");
      assertTrue(kept.keySet().containsAll(acknowledged));
    }
  }
}
