package dev.onelog.bench;

import dev.onelog.bench.kafka.KafkaBroker;
import dev.onelog.bench.kafka.KafkaScenarios;
import java.nio.file.Path;

/**
 * The same workload against a real single-node Kafka broker, started fresh for each of its two
 * configurations: Kafka's default (acks=all, the page cache decides when data reaches the disk),
 * compared with onelog's NORMAL, and {@code flush.messages=1} (an fsync before every
 * acknowledgement), compared with onelog's FSYNC. Latency is measured against the default broker,
 * as Kafka is usually run.
 */
final class KafkaComparison {
  /** Kafka's clients buffer 32 MiB per producer; give their JVMs room beyond onelog's 256 MiB. */
  private static final String CLIENT_HEAP = "1g";

  private KafkaComparison() {}

  static void run(Path workDir, BenchOptions options, Bench.Results results) throws Exception {
    ScenarioRunner runner = new ScenarioRunner(workDir, CLIENT_HEAP);
    try (KafkaBroker broker = KafkaBroker.start(workDir, KafkaBroker.Flush.PAGE_CACHE)) {
      BenchOptions kafka =
          options
              .withDurability("NORMAL")
              .with(KafkaScenarios.BOOTSTRAP, broker.bootstrap())
              .with(KafkaScenarios.SERVER_PID, Long.toString(broker.pid()));
      results.add("kafka-produce-acksall", runner.run("kafka-produce-consume", kafka));
      results.add("kafka-latency-inprocess", runner.run("kafka-latency", kafka));
      results.add(
          "kafka-latency-crossprocess",
          runner.run("kafka-latency", kafka.with(KafkaScenarios.CONSUMER_PROCESS, "true")));
    }
    try (KafkaBroker broker = KafkaBroker.start(workDir, KafkaBroker.Flush.EVERY_MESSAGE)) {
      BenchOptions kafka =
          options
              .withDurability("FSYNC")
              .with(KafkaScenarios.BOOTSTRAP, broker.bootstrap())
              .with(KafkaScenarios.SERVER_PID, Long.toString(broker.pid()));
      results.add("kafka-produce-flush1", runner.run("kafka-produce-consume", kafka));
    }
  }
}
