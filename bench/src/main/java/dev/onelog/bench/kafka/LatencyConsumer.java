package dev.onelog.bench.kafka;

import dev.onelog.bench.Json;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.ProcessMemory;
import dev.onelog.bench.ScenarioMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consuming half of {@code kafka-latency}: a consumer assigned to every partition of the topic
 * and positioned at its end before the producer starts, which records each record's send-to-poll
 * latency in a {@link LatencyRecorder}. Not thread-safe, except {@link #stop()}.
 *
 * <p>Its {@link #main} is the consumer's own JVM when the scenario runs with {@code
 * consumerProcess=true}. It talks to the scenario by lines:
 *
 * <pre>
 *   consumer JVM -> scenario   READY                              positioned at the end
 *   scenario -> consumer JVM   GO &lt;warmUpEndNanos&gt; &lt;deadlineNanos&gt;  on standard input
 *   consumer JVM -> scenario   RESULT {...}                       its figures, then it exits
 * </pre>
 *
 * Both times are {@link System#nanoTime()} values, which on Linux share one clock between processes
 * (see {@link LatencyRecorder}).
 */
final class LatencyConsumer implements AutoCloseable {
  static final String READY = "READY";
  static final String GO = "GO";

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final LatencyRecorder recorder = new LatencyRecorder();
  private volatile boolean stopped;

  private LatencyConsumer(KafkaConsumer<byte[], byte[]> consumer) {
    this.consumer = consumer;
  }

  /** Assigns every partition of {@code topic} and resolves each position to its current end. */
  static LatencyConsumer openAtEnd(String bootstrap, String topic, int partitions) {
    // Kafka's defaults, with what a latency-minded user states: fetch.min.bytes=1 (the default)
    // answers a fetch as soon as one record is there, so fetch.max.wait.ms (500) only bounds an
    // idle fetch. No group: the partitions are assigned, nothing is committed.
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.FETCH_MIN_BYTES_CONFIG,
            1,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> assigned = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        assigned.add(new TopicPartition(topic, p));
      }
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      // seekToEnd is lazy: resolve it now, or records sent before the first poll would be skipped.
      assigned.forEach(consumer::position);
      return new LatencyConsumer(consumer);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Polls until {@code records} records have arrived, recording the latency of those stamped at or
   * after {@code warmUpEndNanos}, and returns {@link LatencyRecorder#figures()}.
   *
   * @throws IllegalStateException if {@code deadlineNanos} passes or {@link #stop()} is called
   *     first
   */
  Map<String, Object> consume(long records, long warmUpEndNanos, long deadlineNanos) {
    long received = 0;
    while (received < records) {
      if (stopped) {
        throw new IllegalStateException(
            "stopped after " + received + " of " + records + " records");
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new IllegalStateException(
            "received " + received + " of " + records + " records by the deadline");
      }
      ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL_TIMEOUT);
      long now = System.nanoTime();
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        if (ByteBuffer.wrap(record.value()).getLong(0) - warmUpEndNanos >= 0) {
          recorder.received(record.value(), now);
        }
      }
      received += batch.count();
    }
    return recorder.figures();
  }

  /** Makes {@link #consume} give up within one poll. Any thread. */
  void stop() {
    stopped = true;
  }

  @Override
  public void close() {
    consumer.close();
  }

  /** {@code LatencyConsumer <bootstrap> <topic> <partitions> <records>}: see the class doc. */
  public static void main(String[] args) {
    try {
      runChild(args);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1); // the Kafka client may leave non-daemon threads behind
    }
    System.exit(0);
  }

  private static void runChild(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException(
          "expected <bootstrap> <topic> <partitions> <records>, got " + List.of(args));
    }
    try (LatencyConsumer consumer = openAtEnd(args[0], args[1], Integer.parseInt(args[2]))) {
      System.out.println(READY);
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      String[] go = line == null ? new String[0] : line.split(" ");
      if (go.length != 3 || !go[0].equals(GO)) {
        throw new IllegalStateException(
            "expected '"
                + GO
                + " <warmUpEndNanos> <deadlineNanos>' on standard input, got "
                + line);
      }
      Map<String, Object> figures =
          consumer.consume(Long.parseLong(args[3]), Long.parseLong(go[1]), Long.parseLong(go[2]));
      figures.put("consumerPeakRssMiB", ProcessMemory.peakRssMiB());
      System.out.println(ScenarioMain.RESULT_PREFIX + Json.write(figures));
      System.out.flush();
    }
  }
}
