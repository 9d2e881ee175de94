package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A synchronous {@code append} commits on the caller's own thread when the writer sleeps with
 * nothing queued (Writer#appendAndWait); it must keep every promise the writer thread keeps: a
 * caller's writes keep their order beside its asynchronous sends and other callers', and an append
 * racing close is either stored or refused.
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
  void synchronousAndAsynchronousWritesOfEachCallerKeepTheirOrder() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    int threads = 4;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random random = new Random(t);
        results.add(callers.submit(() -> write(log, random)));
      }
      long total = 0;
      for (Future<List<Long>> result : results) {
        List<Long> offsets = result.get();
        for (int i = 1; i < offsets.size(); i++) {
          assertTrue(
              offsets.get(i - 1) < offsets.get(i),
              "a caller's offsets rise: " + offsets.get(i - 1) + " then " + offsets.get(i));
        }
        total += offsets.size();
      }
      assertEquals(total, log.nextOffset(TopicPartition.of("t", 0)));
    } finally {
      callers.shutdownNow();
    }
  }

  /** Synchronous singles and lists, with asynchronous sends between them; offsets in order. */
  private static List<Long> write(OneLog log, Random random) {
    List<CompletableFuture<List<Long>>> written = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      int kind = random.nextInt(10);
      if (kind < 5) {
        long offset = log.append(ProducerRecord.of("t", null, "a")).offset();
        written.add(CompletableFuture.completedFuture(List.of(offset)));
      } else if (kind < 6) {
        List<RecordMetadata> stored =
            log.append(
                List.of(ProducerRecord.of("t", null, "l"), ProducerRecord.of("t", null, "l")));
        written.add(
            CompletableFuture.completedFuture(
                stored.stream().map(RecordMetadata::offset).toList()));
      } else {
        written.add(
            log.send(ProducerRecord.of("t", null, "s")).thenApply(m -> List.of(m.offset())));
      }
    }
    List<Long> offsets = new ArrayList<>();
    written.forEach(f -> offsets.addAll(f.join()));
    return offsets;
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
