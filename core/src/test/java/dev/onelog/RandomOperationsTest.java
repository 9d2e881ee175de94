package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Several threads send, append and read at random, seeded; the result is checked against an
 * in-memory model built from what was acknowledged: every acknowledged record is stored exactly
 * once with its bytes, offsets are 0..n-1 in each partition, each thread's records to a partition
 * keep their order, an atomic list's records to a partition are consecutive, and a concurrent
 * consumer saw exactly the stored records, in order. Run with {@code -Donelog.seed=N} to repeat a
 * run.
 */
class RandomOperationsTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final int THREADS = 4;
  private static final int OPERATIONS_PER_THREAD = 1500;

  /** What a thread sent and what the log acknowledged for it. */
  private record Sent(ProducerRecord record, RecordMetadata stored) {}

  @ParameterizedTest
  @EnumSource(Durability.class)
  void randomOperationsMatchTheModel(Durability durability) throws Exception {
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    System.out.println("RandomOperationsTest seed=" + seed + " durability=" + durability);
    OneLog log = logs.open(logs.builder().durability(durability));
    log.createTopic(TopicSpec.named("one"));
    log.createTopic(TopicSpec.named("three").withPartitions(3));

    Map<TopicPartition, List<LogRecord>> consumed = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(() -> consume(log, consumed, producing));

    // Workers run through an executor and are joined, so that an assertion failing inside one
    // fails the test: in a raw Thread it only printed a stack trace, and with every worker dead
    // the model below was empty and the test passed.
    List<List<Sent>> perThread = new ArrayList<>();
    ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<List<Sent>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Random random = new Random(seed + t);
        results.add(workers.submit(() -> produce(log, random, thread)));
      }
      for (Future<List<Sent>> result : results) {
        perThread.add(join(result));
      }
      log.flush();
    } finally {
      workers.shutdownNow();
      producing.set(false);
    }
    join(reader);

    String context = " (seed " + seed + ", " + durability + ")";
    Map<TopicPartition, TreeMap<Long, Sent>> model =
        new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
    for (List<Sent> sents : perThread) {
      for (Sent sent : sents) {
        Sent previous =
            model
                .computeIfAbsent(sent.stored().topicPartition(), tp -> new TreeMap<>())
                .put(sent.stored().offset(), sent);
        assertEquals(null, previous, "offset given twice: " + sent.stored() + context);
      }
    }
    // Not vacuous: the checks below run per partition of the model.
    assertEquals(4, model.size(), "acknowledged records in all four partitions" + context);
    for (List<Sent> sents : perThread) {
      Map<TopicPartition, Long> lastOffset = new ConcurrentHashMap<>();
      for (Sent sent : sents) {
        Long last = lastOffset.put(sent.stored().topicPartition(), sent.stored().offset());
        assertTrue(
            last == null || last < sent.stored().offset(),
            "thread order kept in " + sent.stored() + context);
      }
    }
    for (var entry : model.entrySet()) {
      TopicPartition tp = entry.getKey();
      List<LogRecord> stored = PartitionRecords.all(log, tp);
      assertEquals(entry.getValue().size(), stored.size(), tp + context);
      assertEquals(stored.size(), log.nextOffset(tp), tp + context);
      for (LogRecord record : stored) {
        Sent sent = entry.getValue().get(record.offset());
        assertEquals(sent.stored().offset(), record.offset(), tp + context);
        assertArrayEquals(sent.record().key(), record.key(), record + context);
        assertArrayEquals(sent.record().value(), record.value(), record + context);
        assertEquals(sent.record().headers(), record.headers(), record + context);
        assertEquals(sent.stored().timestampMs(), record.timestampMs(), record + context);
      }
      List<LogRecord> seen = consumed.getOrDefault(tp, List.of());
      assertEquals(stored.size(), seen.size(), "consumer saw every record of " + tp + context);
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(i, seen.get(i).offset(), "consumer order in " + tp + context);
        assertArrayEquals(stored.get(i).value(), seen.get(i).value(), tp + context);
      }
    }
  }

  /** The worker's result, or what it threw, as it threw it (an assertion's failure included). */
  private static <T> T join(Future<T> worker) throws Exception {
    try {
      return worker.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      if (e.getCause() instanceof Exception exception) {
        throw exception;
      }
      throw e;
    }
  }

  private static List<Sent> produce(OneLog log, Random random, int thread) {
    List<Sent> sent = new ArrayList<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    List<Runnable> onDone = new ArrayList<>();
    long sequence = 0;
    for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
      int kind = random.nextInt(10);
      if (kind < 6) {
        ProducerRecord record = randomRecord(random, thread, sequence++);
        CompletableFuture<RecordMetadata> future = log.send(record);
        pending.add(future);
        onDone.add(() -> sent.add(new Sent(record, future.join())));
      } else if (kind < 8) {
        List<ProducerRecord> batch = new ArrayList<>();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
          batch.add(randomRecord(random, thread, sequence++));
        }
        CompletableFuture<List<RecordMetadata>> future = log.send(batch);
        pending.add(future);
        onDone.add(
            () -> {
              List<RecordMetadata> stored = future.join();
              Map<TopicPartition, Long> previous = new ConcurrentHashMap<>();
              for (int i = 0; i < batch.size(); i++) {
                Long before = previous.put(stored.get(i).topicPartition(), stored.get(i).offset());
                assertTrue(
                    before == null || before + 1 == stored.get(i).offset(),
                    "a list's records are consecutive");
                sent.add(new Sent(batch.get(i), stored.get(i)));
              }
            });
      } else if (kind < 9) {
        ProducerRecord record = randomRecord(random, thread, sequence++);
        RecordMetadata stored = log.append(record);
        for (Runnable r : onDone) {
          r.run();
        }
        onDone.clear();
        pending.clear();
        sent.add(new Sent(record, stored));
      } else {
        TopicPartition tp =
            random.nextBoolean()
                ? TopicPartition.of("one", 0)
                : TopicPartition.of("three", random.nextInt(3));
        long next = log.nextOffset(tp);
        List<LogRecord> read =
            log.read(tp, random.nextLong(next + 1), ReadLimit.records(1 + random.nextInt(50)));
        for (int i = 1; i < read.size(); i++) {
          assertEquals(read.get(i - 1).offset() + 1, read.get(i).offset());
        }
      }
    }
    for (Runnable r : onDone) {
      r.run();
    }
    return sent;
  }

  private static ProducerRecord randomRecord(Random random, int thread, long sequence) {
    String topic = random.nextInt(3) == 0 ? "one" : "three";
    byte[] key =
        random.nextInt(4) == 0
            ? null
            : ("k" + random.nextInt(20)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] value = random.nextInt(10) == 0 ? null : new byte[random.nextInt(300)];
    if (value != null) {
      random.nextBytes(value);
    }
    ProducerRecord record = new ProducerRecord(topic, null, null, key, value, List.of());
    if (random.nextInt(5) == 0 && topic.equals("three")) {
      record = record.withPartition(random.nextInt(3));
    }
    if (random.nextInt(4) == 0) {
      record =
          record
              .withHeader("thread", Integer.toString(thread))
              .withHeader("seq", Long.toString(sequence));
    }
    if (random.nextInt(4) == 0) {
      record = record.withTimestampMs(random.nextInt(1_000_000));
    }
    return record;
  }

  private static void consume(
      OneLog log, Map<TopicPartition, List<LogRecord>> consumed, AtomicBoolean producing) {
    List<TopicPartition> all =
        List.of(
            TopicPartition.of("one", 0),
            TopicPartition.of("three", 0),
            TopicPartition.of("three", 1),
            TopicPartition.of("three", 2));
    try (Consumer consumer = log.consumer(all).maxPollRecords(200)) {
      while (true) {
        boolean last = !producing.get();
        List<LogRecord> batch = consumer.poll(Duration.ofMillis(20));
        for (LogRecord record : batch) {
          consumed
              .computeIfAbsent(
                  record.topicPartition(), tp -> Collections.synchronizedList(new ArrayList<>()))
              .add(record);
        }
        if (last && batch.isEmpty()) {
          return;
        }
      }
    }
  }
}
