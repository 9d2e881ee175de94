package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import dev.onelog.group.OffsetAndMetadata;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kafka-clients consumers with a group.id against the server: the classic group protocol
 * (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and offsets kept in the file.
 * Short session and heartbeat timeouts keep the class within seconds.
 */
class ConsumerGroupsTest {
  private static final int SESSION_TIMEOUT_MS = 2_000;

  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("groups.db"));
    server = serve(log);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    server.close();
    log.close();
  }

  private static KafkaServer serve(OneLog log) {
    return KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
  }

  private KafkaConsumer<String, String> consumer(String group, Map<String, Object> extra) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200);
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 10_000);
    props.putAll(extra);
    return new KafkaConsumer<>(props);
  }

  private void append(String topic, int partitions, int from, int to) {
    for (int i = from; i < to; i++) {
      log.append(ProducerRecord.of(topic, null, "v" + i).withPartition(i % partitions));
    }
  }

  private static List<ConsumerRecord<String, String>> poll(
      KafkaConsumer<String, String> consumer, int count) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (out.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(100)).forEach(out::add);
    }
    return out;
  }

  private static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }

  private static dev.onelog.TopicPartition onelog(String topic, int partition) {
    return dev.onelog.TopicPartition.of(topic, partition);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(() -> what, condition);
  }

  private static void await(Supplier<String> what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, () -> "timed out waiting until " + what.get());
      Thread.sleep(20);
    }
  }

  @Test
  void committedOffsetsAreTheFilesAndANewConsumerResumesFromThemAfterARestart() {
    log.createTopic(TopicSpec.named("orders").withPartitions(3));
    append("orders", 3, 0, 30);
    try (KafkaConsumer<String, String> first = consumer("billing", Map.of())) {
      first.subscribe(List.of("orders"));
      assertEquals(30, poll(first, 30).size());
      assertEquals(Set.of(tp("orders", 0), tp("orders", 1), tp("orders", 2)), first.assignment());
      first.commitSync();
    }
    assertEquals(
        Map.of(
            onelog("orders", 0), OffsetAndMetadata.of(10),
            onelog("orders", 1), OffsetAndMetadata.of(10),
            onelog("orders", 2), OffsetAndMetadata.of(10)),
        log.groups().committed("billing"),
        "what the wire consumer committed, as the library reads it");

    append("orders", 3, 30, 36);
    try (KafkaConsumer<String, String> second = consumer("billing", Map.of())) {
      second.subscribe(List.of("orders"));
      List<ConsumerRecord<String, String>> records = poll(second, 6);
      Set<String> values = new TreeSet<>();
      records.forEach(r -> values.add(r.value()));
      second.poll(Duration.ofMillis(500)).forEach(records::add); // nothing older may follow
      assertEquals(6, records.size(), "resumed at the committed offsets: " + values);
      assertEquals(new TreeSet<>(List.of("v30", "v31", "v32", "v33", "v34", "v35")), values);
      second.commitSync();
    }

    server.close();
    Path path = log.path();
    log.close();
    log = OneLog.open(path);
    server = serve(log);
    assertEquals(12, log.groups().committed("billing").get(onelog("orders", 1)).offset());
    append("orders", 3, 36, 39);
    try (KafkaConsumer<String, String> third = consumer("billing", Map.of())) {
      assertEquals(
          12,
          third.committed(Set.of(tp("orders", 2))).get(tp("orders", 2)).offset(),
          "OffsetFetch reads the reopened file");
      third.subscribe(List.of("orders"));
      List<ConsumerRecord<String, String>> records = poll(third, 3);
      third.poll(Duration.ofMillis(500)).forEach(records::add);
      assertEquals(3, records.size());
      records.forEach(r -> assertEquals(12, r.offset(), r.toString()));
    }
  }

  /** A consumer's task ends only when told to stop: one that ended early threw. */
  private static void failIfDone(List<Future<?>> tasks) {
    for (Future<?> task : tasks) {
      if (task.isDone()) {
        try {
          task.get();
        } catch (Exception e) {
          throw new AssertionError("a consumer failed", e);
        }
        throw new AssertionError("a consumer stopped before it was told to");
      }
    }
  }

  /** What one consumer thread saw: every value, and its assignment with its generation. */
  private record Seen(int generation, Set<TopicPartition> assignment) {}

  /** The server relays the leader's assignment as bytes: every client-side assignor works. */
  @ParameterizedTest
  @ValueSource(
      classes = {
        RangeAssignor.class,
        RoundRobinAssignor.class,
        StickyAssignor.class,
        CooperativeStickyAssignor.class
      })
  void twoConsumersShareTheTopicWhileAProducerWritesAndNeverOwnAPartitionTogether(Class<?> assignor)
      throws Exception {
    log.createTopic(TopicSpec.named("events").withPartitions(3));
    int count = 3_000;
    Set<String> consumed = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    List<AtomicReference<Seen>> seen = List.of(new AtomicReference<>(), new AtomicReference<>());
    List<Future<?>> consumers = new ArrayList<>();
    for (AtomicReference<Seen> mine : seen) {
      consumers.add(
          threads.submit(
              () -> {
                try (KafkaConsumer<String, String> consumer =
                    consumer(
                        "pair",
                        Map.of(
                            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                            assignor.getName()))) {
                  consumer.subscribe(List.of("events"));
                  while (!stop.get()) {
                    consumer.poll(Duration.ofMillis(50)).forEach(r -> consumed.add(r.value()));
                    try {
                      consumer.commitSync();
                    } catch (RebalanceInProgressException e) {
                      // The leader is assigning (Kafka's broker refuses it too): commit next time.
                    }
                    mine.set(
                        new Seen(
                            consumer.groupMetadata().generationId(),
                            new HashSet<>(consumer.assignment())));
                  }
                }
                return null;
              }));
    }
    Future<?> producing =
        threads.submit(
            () -> {
              Properties props = new Properties();
              props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
              props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
              props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
              try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                for (int i = 0; i < count; i++) {
                  producer.send(
                      new org.apache.kafka.clients.producer.ProducerRecord<>(
                          "events", i % 3, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                  if (i % 100 == 0) {
                    producer.flush();
                    Thread.sleep(50);
                  }
                }
              }
              return null;
            });
    producing.get(30, TimeUnit.SECONDS);
    await(
        "every record is consumed",
        () -> {
          failIfDone(consumers);
          return consumed.size() == count;
        });
    Set<TopicPartition> partitions = Set.of(tp("events", 0), tp("events", 1), tp("events", 2));
    // Settled: one generation, and every partition assigned in it (during an eager rebalance a
    // consumer has given its partitions up and owns none).
    await(
        () -> "both consumers report one generation covering every partition: " + seen,
        () -> {
          failIfDone(consumers);
          Seen a = seen.get(0).get();
          Seen b = seen.get(1).get();
          if (a == null || b == null || a.generation() != b.generation()) {
            return false;
          }
          Set<TopicPartition> union = new HashSet<>(a.assignment());
          union.addAll(b.assignment());
          return union.equals(partitions);
        });
    Seen a = seen.get(0).get();
    Seen b = seen.get(1).get();
    await(
        () -> "the consumers commit every partition to its end: " + log.groups().committed("pair"),
        () ->
            log.groups().committed("pair").values().stream().mapToLong(o -> o.offset()).sum()
                == count);
    stop.set(true);
    for (Future<?> consumer : consumers) {
      consumer.get(20, TimeUnit.SECONDS);
    }
    Set<TopicPartition> both = new HashSet<>(a.assignment());
    both.retainAll(b.assignment());
    assertEquals(Set.of(), both, "owned by both in generation " + a.generation());
    assertTrue(!a.assignment().isEmpty() && !b.assignment().isEmpty(), a + " " + b);
  }

  @Test
  void aConsumerThatStopsHeartbeatingLosesItsPartitionsAfterItsSessionTimeout() throws Exception {
    log.createTopic(TopicSpec.named("jobs").withPartitions(2));
    append("jobs", 2, 0, 10);
    AtomicReference<Set<TopicPartition>> survivorOwns = new AtomicReference<>(Set.of());
    AtomicBoolean stop = new AtomicBoolean();
    KafkaConsumer<String, String> quitter = consumer("workers", Map.of());
    quitter.subscribe(List.of("jobs"));
    poll(quitter, 10);
    Future<?> survivor =
        threads.submit(
            () -> {
              try (KafkaConsumer<String, String> consumer = consumer("workers", Map.of())) {
                consumer.subscribe(List.of("jobs"));
                while (!stop.get()) {
                  consumer.poll(Duration.ofMillis(50));
                  survivorOwns.set(Set.copyOf(consumer.assignment()));
                }
              }
              return null;
            });
    // The quitter keeps polling until the group has given each consumer one partition.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!(survivorOwns.get().size() == 1 && quitter.assignment().size() == 1)) {
      assertTrue(System.nanoTime() < deadline, "no split: " + quitter.assignment());
      quitter.poll(Duration.ofMillis(50));
    }
    long closedAt = System.nanoTime();
    quitter.close(
        CloseOptions.groupMembershipOperation(
            CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    await("the survivor owns both partitions", () -> survivorOwns.get().size() == 2);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
    stop.set(true);
    survivor.get(20, TimeUnit.SECONDS);
    assertTrue(
        tookMs >= SESSION_TIMEOUT_MS - 300,
        "reassigned after " + tookMs + " ms: before the session timeout, so not by expiry");
    assertTrue(tookMs < SESSION_TIMEOUT_MS + 5_000, "reassigned only after " + tookMs + " ms");
  }
}
