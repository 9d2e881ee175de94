package dev.onelog.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real kafka-clients consumer that polls every partition of a topic from the beginning, on the
 * thread that {@link #call calls} it, while other things happen to the server; it keeps each record
 * it receives and stops once {@link #stopAt told} where the topic ends and it has read that far (or
 * 30 s after, or at the first exception, which {@code call} throws). {@link #received} may be read
 * from any thread.
 */
final class PollingConsumer implements Callable<Map<Integer, List<PollingConsumer.Seen>>> {
  /** A record by where it is and what it holds; what a producer got acknowledged, too. */
  record Seen(long offset, String value) {
    static Seen of(RecordMetadata acknowledged, String value) {
      return new Seen(acknowledged.offset(), value);
    }
  }

  /**
   * How the records received differ from those acknowledged, per partition, summed.
   *
   * @param missing acknowledged but not received
   * @param duplicated received more than once
   * @param outOfOrder received at an offset not above the one received before it
   * @param wrong received at an acknowledged offset with another value, or at an offset never
   *     acknowledged
   */
  record Differences(int missing, int duplicated, int outOfOrder, int wrong) {
    boolean none() {
      return missing + duplicated + outOfOrder + wrong == 0;
    }

    @Override
    public String toString() {
      return missing
          + " missing, "
          + duplicated
          + " duplicated, "
          + outOfOrder
          + " out of order, "
          + wrong
          + " wrong";
    }
  }

  private static final Duration POLL = Duration.ofMillis(100);
  private static final long CATCH_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final String bootstrapServers;
  private final String topic;
  private final int partitions;
  private final AtomicInteger received = new AtomicInteger();
  private final CompletableFuture<Map<Integer, Long>> ends = new CompletableFuture<>();

  PollingConsumer(String bootstrapServers, String topic, int partitions) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.partitions = partitions;
  }

  /** Records received so far. */
  int received() {
    return received.get();
  }

  /** Tells the consumer each partition's next offset: it stops once its position reaches them. */
  void stopAt(Map<Integer, Long> nextOffsets) {
    ends.complete(Map.copyOf(nextOffsets));
  }

  @Override
  public Map<Integer, List<Seen>> call() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    Map<Integer, List<Seen>> seen = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> assigned =
          IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      long stopBy = Long.MAX_VALUE;
      while (true) {
        for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
          seen.computeIfAbsent(record.partition(), p -> new ArrayList<>())
              .add(new Seen(record.offset(), record.value()));
          received.incrementAndGet();
        }
        Map<Integer, Long> end = ends.getNow(null);
        if (end == null) {
          continue;
        }
        if (stopBy == Long.MAX_VALUE) {
          stopBy = System.nanoTime() + CATCH_UP_NANOS;
        }
        boolean caughtUp =
            end.entrySet().stream()
                .allMatch(
                    e -> consumer.position(new TopicPartition(topic, e.getKey())) >= e.getValue());
        if (caughtUp || System.nanoTime() > stopBy) {
          return seen;
        }
      }
    }
  }

  /**
   * How {@code received} differs from {@code acknowledged}, each a partition's records in order.
   */
  static Differences compare(
      Map<Integer, List<Seen>> acknowledged, Map<Integer, List<Seen>> received) {
    int missing = 0;
    int duplicated = 0;
    int outOfOrder = 0;
    int wrong = 0;
    Set<Integer> partitions = new HashSet<>(acknowledged.keySet());
    partitions.addAll(received.keySet());
    for (int partition : partitions) {
      Map<Long, String> sent = new HashMap<>();
      for (Seen record : acknowledged.getOrDefault(partition, List.of())) {
        sent.put(record.offset(), record.value());
      }
      Set<Long> got = new HashSet<>();
      long previous = -1;
      for (Seen record : received.getOrDefault(partition, List.of())) {
        if (!got.add(record.offset())) {
          duplicated++;
        }
        if (record.offset() <= previous) {
          outOfOrder++;
        }
        previous = record.offset();
        if (!record.value().equals(sent.get(record.offset()))) {
          wrong++;
        }
      }
      for (long offset : sent.keySet()) {
        if (!got.contains(offset)) {
          missing++;
        }
      }
    }
    return new Differences(missing, duplicated, outOfOrder, wrong);
  }
}
