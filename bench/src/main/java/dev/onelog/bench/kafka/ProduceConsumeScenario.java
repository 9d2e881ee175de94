package dev.onelog.bench.kafka;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code kafka-produce-consume}: sends {@code records} records from {@code producers} threads that
 * share one {@link KafkaProducer} (asynchronous sends, acks=all), then reads them all back from the
 * beginning with a fresh consumer, twice, then sends them again into a second topic. One scenario
 * rather than two, so the topic never has to be handed from one JVM to the next. Runs on the
 * scenario JVM's main thread plus the sending threads it starts and joins.
 *
 * <p>Figures: {@code produceRecordsPerSec} (records over the time from the first send until {@code
 * flush()} returns, that is until the last acknowledgement), {@code consumeRecordsPerSec} (records
 * over the time from the first poll until the last record arrives), {@code
 * consumeAgainRecordsPerSec} (the same for a second consumer, once the broker has served them),
 * {@code produceAgainRecordsPerSec} (the same records sent again, into a second topic, once the
 * broker has run all that), their {@code produceSeconds} and {@code consumeSeconds}, {@code
 * records}, {@code kafkaFlush}, how the broker flushed the topic, and the CPU each phase took per
 * record in the clients' JVM and in the server's process ({@link CpuUse}).
 */
final class ProduceConsumeScenario implements Scenario {
  static final String NAME = "kafka-produce-consume";

  /** How long the consumer may go without a record before the run is declared failed. */
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    if (options.producers() < 1) {
      throw new IllegalArgumentException("producers < 1: " + options.producers());
    }
    String bootstrap = KafkaScenarios.bootstrap(options);
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    Optional<ProcessHandle> server = KafkaScenarios.server(options);
    try (BenchTopic topic = BenchTopic.create(bootstrap, NAME, options.partitions())) {
      Map<String, Object> figures = new LinkedHashMap<>();
      CpuUse cpu = CpuUse.start(server);
      double produceSeconds =
          produce(bootstrap, topic, data, options.records(), options.producers());
      cpu = cpu.report("produce", options.records(), figures);
      double consumeSeconds = consume(bootstrap, topic, options.records());
      cpu = cpu.report("consume", options.records(), figures);
      // A second fresh consumer reads it all again: the broker has now served it once, as a
      // long-running one has served others before.
      double consumeAgainSeconds = consume(bootstrap, topic, options.records());
      cpu = cpu.report("consumeAgain", options.records(), figures);
      // And the same records into a second topic: the server has now compiled its produce path,
      // as a long-running one has, where the first produce paid for the JIT's work.
      double produceAgainSeconds;
      try (BenchTopic again = BenchTopic.create(bootstrap, NAME, options.partitions())) {
        produceAgainSeconds =
            produce(bootstrap, again, data, options.records(), options.producers());
      }
      cpu.report("produceAgain", options.records(), figures);
      figures.put("produceRecordsPerSec", options.records() / produceSeconds);
      figures.put("consumeRecordsPerSec", options.records() / consumeSeconds);
      figures.put("consumeAgainRecordsPerSec", options.records() / consumeAgainSeconds);
      figures.put("produceAgainRecordsPerSec", options.records() / produceAgainSeconds);
      figures.put("produceSeconds", produceSeconds);
      figures.put("consumeSeconds", consumeSeconds);
      figures.put("records", options.records());
      figures.put("kafkaFlush", topic.flush());
      return figures;
    }
  }

  /**
   * CPU time used since the last mark by this JVM (the clients) and, when known, by the server's
   * process: reported as microseconds per record, {@code <phase>ClientCpuUsPerRecord} and {@code
   * <phase>ServerCpuUsPerRecord}, so that where a phase's time goes on a machine the clients and
   * the server share is on record.
   */
  private record CpuUse(Optional<ProcessHandle> server, long clientNanos, long serverNanos) {
    static CpuUse start(Optional<ProcessHandle> server) {
      return new CpuUse(server, CpuTime.processNanos(), serverNanos(server));
    }

    CpuUse report(String phase, long records, Map<String, Object> figures) {
      CpuUse now = start(server);
      if (clientNanos >= 0 && now.clientNanos >= 0) {
        figures.put(
            phase + "ClientCpuUsPerRecord", (now.clientNanos - clientNanos) / 1e3 / records);
      }
      if (serverNanos >= 0 && now.serverNanos >= 0) {
        figures.put(
            phase + "ServerCpuUsPerRecord", (now.serverNanos - serverNanos) / 1e3 / records);
      }
      return now;
    }

    private static long serverNanos(Optional<ProcessHandle> server) {
      return server
          .flatMap(process -> process.info().totalCpuDuration())
          .map(Duration::toNanos)
          .orElse(-1L);
    }
  }

  /** Returns the seconds from the first send to the last acknowledgement. */
  private static double produce(
      String bootstrap, BenchTopic topic, RecordData data, long records, int threads)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.BATCH_SIZE_CONFIG,
            262_144,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "none");
    AtomicReference<Exception> firstError = new AtomicReference<>();
    Callback onAck =
        (metadata, error) -> {
          if (error != null) {
            firstError.compareAndSet(null, error);
          }
        };
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      // Fetch the topic's metadata before the clock starts, as a long-running producer has it.
      producer.partitionsFor(topic.name());
      List<Thread> senders = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        long first = t;
        Thread sender =
            new Thread(
                () -> {
                  // Thread t sends records t, t + threads, t + 2 * threads, ...
                  for (long i = first; i < records && firstError.get() == null; i += threads) {
                    producer.send(
                        new ProducerRecord<>(topic.name(), data.key(i), data.value(i)), onAck);
                  }
                },
                "kafka-sender-" + t);
        sender.setUncaughtExceptionHandler(
            (thread, error) ->
                firstError.compareAndSet(
                    null, new IllegalStateException(thread.getName() + " failed", error)));
        senders.add(sender);
        sender.start();
      }
      for (Thread sender : senders) {
        sender.join();
      }
      producer.flush(); // returns once every send is acknowledged and its callback has run
      long end = System.nanoTime();
      if (firstError.get() != null) {
        throw new IllegalStateException("a send to " + topic.name() + " failed", firstError.get());
      }
      return (end - start) / 1e9;
    }
  }

  /** Returns the seconds from the first poll to the arrival of the last record. */
  private static double consume(String bootstrap, BenchTopic topic, long records) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            10_000,
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
            64 << 20,
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            16 << 20,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(topic.partitions());
      consumer.seekToBeginning(topic.partitions());
      long received = 0;
      long start = System.nanoTime();
      long end = start;
      long lastProgress = start;
      while (received < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL_TIMEOUT);
        long now = System.nanoTime();
        if (batch.isEmpty()) {
          if (now - lastProgress > STALL_TIMEOUT.toNanos()) {
            throw new IllegalStateException(
                "consumer of "
                    + topic.name()
                    + " received nothing for "
                    + STALL_TIMEOUT.toSeconds()
                    + " s, after "
                    + received
                    + " of "
                    + records
                    + " records");
          }
          continue;
        }
        received += batch.count();
        end = now;
        lastProgress = now;
      }
      if (received != records) {
        throw new IllegalStateException(
            "consumer of "
                + topic.name()
                + " received "
                + received
                + " records; "
                + records
                + " were sent");
      }
      return (end - start) / 1e9;
    }
  }
}
