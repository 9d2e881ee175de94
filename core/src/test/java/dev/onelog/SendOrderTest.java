package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Single sends join their partition's open batch (RecordAccumulator) while atomic lists and
 * transactions are queued as requests of their own: a caller's writes to a partition must still get
 * offsets in the order it sent them, however its sends interleave with other callers' lists,
 * singles and transactions on the same partition.
 */
class SendOrderTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final int THREADS = 4;
  private static final int OPERATIONS = 5_000;

  @Test
  void eachCallersWritesToAPartitionKeepTheirOrder() throws Exception {
    checkEachCallersOrder(SendOrderTest::send);
  }

  /**
   * With synchronous appends among the sends, some commit on their caller's own thread (the writer
   * idle): they must not overtake that caller's earlier sends, nor be overtaken by its later ones.
   */
  @Test
  void synchronousAppendsAmongTheSendsKeepTheOrderToo() throws Exception {
    checkEachCallersOrder(SendOrderTest::appendOrSend);
  }

  /**
   * Keyed sends over many partitions through a small write queue, so that senders block on it and
   * the writer waits for their batches to grow (Linger): each caller's offsets in each partition
   * must still rise, and every record be stored once.
   */
  @Test
  void keyedSendsOverManyPartitionsUnderBackPressureKeepTheirOrder() throws Exception {
    OneLog log = logs.open(logs.builder().maxQueuedBytes(64 << 10));
    log.createTopic(TopicSpec.named("k").withPartitions(64));
    ExecutorService callers = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<List<RecordMetadata>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(t);
        results.add(callers.submit(() -> sendKeyed(log, random)));
      }
      long total = 0;
      for (Future<List<RecordMetadata>> result : results) {
        Map<Integer, Long> last = new HashMap<>();
        for (RecordMetadata stored : result.get()) {
          Long before = last.put(stored.partition(), stored.offset());
          assertTrue(
              before == null || before < stored.offset(),
              "a caller's offsets in partition "
                  + stored.partition()
                  + " rise: "
                  + before
                  + " then "
                  + stored.offset());
          total++;
        }
      }
      long stored = 0;
      for (int p = 0; p < 64; p++) {
        stored += log.nextOffset(TopicPartition.of("k", p));
      }
      assertEquals(total, stored);
    } finally {
      callers.shutdownNow();
    }
  }

  private static List<RecordMetadata> sendKeyed(OneLog log, Random random) {
    List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
    for (int i = 0; i < OPERATIONS * 4; i++) {
      sent.add(log.send(ProducerRecord.of("k", "key-" + random.nextInt(1000), "v")));
    }
    return sent.stream().map(CompletableFuture::join).toList();
  }

  /** Runs {@code caller} on THREADS threads; each one's offsets, in its order, must rise. */
  private void checkEachCallersOrder(BiFunction<OneLog, Random, List<Long>> caller)
      throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    ExecutorService callers = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(t);
        results.add(callers.submit(() -> caller.apply(log, random)));
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

  /** Singles, lists of two and transactions at random; the offsets of each, in sending order. */
  private static List<Long> send(OneLog log, Random random) {
    List<CompletableFuture<List<Long>>> sent = new ArrayList<>();
    for (int i = 0; i < OPERATIONS; i++) {
      int kind = random.nextInt(10);
      if (kind < 7) {
        sent.add(log.send(ProducerRecord.of("t", null, "s")).thenApply(m -> List.of(m.offset())));
      } else if (kind < 9) {
        sent.add(
            log.send(List.of(ProducerRecord.of("t", null, "l"), ProducerRecord.of("t", null, "l")))
                .thenApply(ms -> ms.stream().map(RecordMetadata::offset).toList()));
      } else {
        sent.add(
            log.transactionAsync(
                tx -> List.of(tx.send(ProducerRecord.of("t", null, "x")).offset())));
      }
    }
    List<Long> offsets = new ArrayList<>();
    sent.forEach(f -> offsets.addAll(f.join()));
    return offsets;
  }

  /** Synchronous singles and lists, with asynchronous singles between them; offsets in order. */
  private static List<Long> appendOrSend(OneLog log, Random random) {
    List<CompletableFuture<List<Long>>> written = new ArrayList<>();
    for (int i = 0; i < OPERATIONS / 4; i++) {
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
}
