package dev.onelog.bench.kafka;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code kafka-latency}: send-to-poll latency at a steady rate. A producer sends {@code
 * latencyRatePerSec} records a second for {@code latencySeconds}, record i at {@code start + i /
 * rate} (its intended time, stamped into the value); a consumer positioned at the end of the topic
 * beforehand records now minus that stamp when poll returns the record. The first 2 s are warm-up
 * and not recorded. With extra {@code consumerProcess=true} the consumer runs in a JVM of its own,
 * as a consuming service would; otherwise on a thread of this one.
 *
 * <p>The producer runs on the scenario's thread; the consumer as {@link ConsumerSide} says.
 *
 * <p>Figures: {@link LatencyRecorder#figures()} ({@code latencyCount}, {@code latencyP50Ms}, {@code
 * latencyP99Ms}, {@code latencyP999Ms}, {@code latencyMaxMs}), {@code sentRecords}, {@code
 * consumer} ({@code thread} or {@code process}), {@code kafkaFlush}, and with a consumer process
 * {@code consumerPeakRssMiB}.
 */
final class LatencyScenario implements Scenario {
  static final String NAME = "kafka-latency";

  private static final Duration WARM_UP = Duration.ofSeconds(2);

  /** How long after the last intended send the consumer may take to receive everything. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Between the consumer's go and the first intended send: time for the go to reach a child JVM.
   */
  private static final Duration START_DELAY = Duration.ofMillis(200);

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    int rate = options.latencyRatePerSec();
    if (rate < 1) {
      throw new IllegalArgumentException("latencyRatePerSec < 1: " + rate);
    }
    if (options.latencySeconds() <= WARM_UP.toSeconds()) {
      throw new IllegalArgumentException(
          "latencySeconds <= "
              + WARM_UP.toSeconds()
              + " (the warm-up): "
              + options.latencySeconds());
    }
    if (options.valueBytes() < Long.BYTES) {
      throw new IllegalArgumentException(
          "valueBytes < 8 (the send-time stamp): " + options.valueBytes());
    }
    String bootstrap = KafkaScenarios.bootstrap(options);
    boolean consumerProcess =
        Boolean.parseBoolean(options.extra(KafkaScenarios.CONSUMER_PROCESS, "false"));
    long records = (long) rate * options.latencySeconds();
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());

    // Closed in reverse: the producer, then the consumer, then the topic.
    try (BenchTopic topic = BenchTopic.create(bootstrap, NAME, options.partitions());
        ConsumerSide consumer =
            consumerProcess
                ? ConsumerSide.inChildJvm(bootstrap, topic, records)
                : ConsumerSide.onThread(bootstrap, topic, records);
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerConfig(bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.partitionsFor(topic.name()); // metadata before the schedule starts
      AtomicReference<Exception> firstError = new AtomicReference<>();
      Callback onAck =
          (metadata, error) -> {
            if (error != null) {
              firstError.compareAndSet(null, error);
            }
          };

      long start = System.nanoTime() + START_DELAY.toNanos();
      long lastIntended = start + intervalNanos(records - 1, rate);
      consumer.go(start + WARM_UP.toNanos(), lastIntended + DRAIN_TIMEOUT.toNanos());
      for (long i = 0; i < records && firstError.get() == null; i++) {
        long intended = start + intervalNanos(i, rate);
        LatencyRecorder.sleepUntil(intended);
        producer.send(
            new ProducerRecord<>(
                topic.name(), data.key(i), LatencyRecorder.stamp(data.value(i), intended)),
            onAck);
      }
      producer.flush();
      if (firstError.get() != null) {
        throw new IllegalStateException("a send to " + topic.name() + " failed", firstError.get());
      }

      Map<String, Object> figures = new LinkedHashMap<>(consumer.figures());
      figures.put("sentRecords", records);
      figures.put("consumer", consumerProcess ? "process" : "thread");
      figures.put("kafkaFlush", topic.flush());
      return figures;
    }
  }

  /**
   * What a latency-minded user sets: no lingering (Kafka 4 waits 5 ms by default to fill batches);
   * acks=all like the throughput scenario. Records sent while a request is in flight still share
   * the next batch.
   */
  private static Map<String, Object> producerConfig(String bootstrap) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.LINGER_MS_CONFIG,
        0,
        ProducerConfig.COMPRESSION_TYPE_CONFIG,
        "none");
  }

  /** Nanoseconds from the first record's intended time to record {@code i}'s. */
  private static long intervalNanos(long i, int ratePerSec) {
    return i * 1_000_000_000L / ratePerSec;
  }
}
