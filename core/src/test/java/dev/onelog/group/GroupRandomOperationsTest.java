package dev.onelog.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogFixture;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Members on several threads join, poll, commit, pause and leave at random while a producer writes;
 * with every handover clean (no session expires), the group must deliver each record exactly once,
 * no two members may hold a partition at the same time (from each member's assigned and revoked
 * callbacks, stamped with one sequence), and every record must reach a member while it held the
 * record's partition. Run with {@code -Donelog.seed=N} to repeat a seed (thread timing still
 * varies).
 */
class GroupRandomOperationsTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final int PARTITIONS = 6;
  private static final int RECORDS = 3000;
  private static final int THREADS = 4;

  /** A member holding a partition from one stamp to another (Long.MAX_VALUE: still). */
  private record Holding(String member, TopicPartition partition, long from, long[] to) {}

  private record Delivery(String member, LogRecord record, long stamp) {}

  @ParameterizedTest
  @EnumSource(Assignor.class)
  void cleanHandoversDeliverEveryRecordOnceToItsPartitionsHolder(Assignor assignor)
      throws Exception {
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    System.out.println("GroupRandomOperationsTest seed=" + seed + " assignor=" + assignor);
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(PARTITIONS));
    AtomicLong clock = new AtomicLong();
    List<Holding> holdings = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Delivery> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<String, Integer> delivered = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    try {
      Future<?> producer =
          pool.submit(
              () -> {
                Random random = new Random(seed);
                for (int i = 0; i < RECORDS; i++) {
                  log.send(ProducerRecord.of("t", "k" + random.nextInt(50), "r" + i));
                  if (i % 100 == 99) {
                    log.flush();
                    sleep(random.nextInt(10));
                  }
                }
                log.flush();
                producing.set(false);
                return null;
              });
      List<Future<?>> members = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(seed + 1 + t);
        members.add(
            pool.submit(
                () -> {
                  try {
                    runMember(
                        log, assignor, random, clock, holdings, deliveries, delivered, producing);
                  } catch (RuntimeException | AssertionError e) {
                    producing.set(false);
                    delivered.put("a member failed", 1); // let the others stop, and fail
                    throw e;
                  }
                  return null;
                }));
      }
      producer.get(60, TimeUnit.SECONDS);
      for (Future<?> member : members) {
        member.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    String context = " (seed " + seed + ", " + assignor + ")";
    assertEquals(RECORDS, delivered.size(), "records delivered" + context);
    List<String> twice =
        delivered.entrySet().stream()
            .filter(e -> e.getValue() != 1)
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(List.of(), twice, "records delivered more than once" + context);
    Map<TopicPartition, List<Holding>> byPartition = new HashMap<>();
    for (Holding holding : holdings) {
      byPartition.computeIfAbsent(holding.partition(), p -> new ArrayList<>()).add(holding);
    }
    for (List<Holding> list : byPartition.values()) {
      list.sort(java.util.Comparator.comparingLong(Holding::from));
      for (int i = 1; i < list.size(); i++) {
        assertTrue(
            list.get(i - 1).to()[0] < list.get(i).from(),
            "two members held " + list.get(i).partition() + " at once: " + list + context);
      }
    }
    for (Delivery delivery : deliveries) {
      boolean held =
          holdings.stream()
              .anyMatch(
                  h ->
                      h.member().equals(delivery.member())
                          && h.partition().equals(delivery.record().topicPartition())
                          && h.from() < delivery.stamp()
                          && delivery.stamp() < h.to()[0]);
      assertTrue(held, delivery + " reached a member not holding its partition" + context);
    }
  }

  private static void runMember(
      OneLog log,
      Assignor assignor,
      Random random,
      AtomicLong clock,
      List<Holding> holdings,
      List<Delivery> deliveries,
      Map<String, Integer> delivered,
      AtomicBoolean producing) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (true) {
      String[] name = {"?"};
      Map<TopicPartition, Holding> held = new HashMap<>();
      RebalanceListener listener =
          new RebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              for (TopicPartition partition : partitions) {
                held.remove(partition).to()[0] = clock.incrementAndGet();
              }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              for (TopicPartition partition : partitions) {
                Holding holding =
                    new Holding(
                        name[0], partition, clock.incrementAndGet(), new long[] {Long.MAX_VALUE});
                held.put(partition, holding);
                holdings.add(holding);
              }
            }
          };
      try (GroupConsumer member =
          log.groups()
              .consumer("g")
              .topics("t")
              .assignor(assignor)
              .offsetReset(OffsetReset.EARLIEST)
              .autoCommitInterval(Duration.ofMillis(50 + random.nextInt(200)))
              .rebalanceListener(listener)
              .open()) {
        name[0] = member.memberId();
        int polls = 20 + random.nextInt(80);
        for (int i = 0; i < polls; i++) {
          List<LogRecord> records = member.poll(Duration.ofMillis(10));
          deliver(name[0], records, clock, deliveries, delivered);
          int action = random.nextInt(20);
          if (action == 0) {
            member.commitSync();
          } else if (action == 1 && !member.assignment().isEmpty()) {
            List<TopicPartition> some = new ArrayList<>(member.assignment());
            member.pause(some.subList(0, 1));
            List<LogRecord> others = member.poll(Duration.ofMillis(5));
            deliver(name[0], others, clock, deliveries, delivered);
            member.resume(some.subList(0, 1));
          }
          if (!producing.get() && delivered.size() >= RECORDS
              || delivered.containsKey("a member failed")
              || System.nanoTime() - deadline > 0) {
            return; // every record arrived (or never will: the test fails on the count)
          }
        }
      }
    }
  }

  private static void deliver(
      String member,
      List<LogRecord> records,
      AtomicLong clock,
      List<Delivery> deliveries,
      Map<String, Integer> delivered) {
    long stamp = clock.incrementAndGet();
    for (LogRecord record : records) {
      deliveries.add(new Delivery(member, record, stamp));
      delivered.merge(record.valueAsString(), 1, Integer::sum);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
