package dev.onelog.bench;

import dev.onelog.bench.kafka.KafkaScenarios;
import dev.onelog.bench.kafka.OneLogServer;
import java.nio.file.Path;

/**
 * {@code --serve}: Kafka's own clients against {@code onelog serve}, with the same scenarios and
 * client settings as {@link KafkaComparison} runs against a real broker: FSYNC (compare with
 * Kafka's {@code flush.messages=1}) and NORMAL (compare with Kafka's default), and the
 * produce-to-consume latency at the scenario's rate against the FSYNC server.
 */
final class ServeComparison {
  private static final String CLIENT_HEAP = "1g";

  private ServeComparison() {}

  static void run(Path workDir, BenchOptions options, Bench.Results results) throws Exception {
    ScenarioRunner runner = new ScenarioRunner(workDir, CLIENT_HEAP);
    try (OneLogServer server = OneLogServer.start(workDir, "FSYNC")) {
      BenchOptions serve =
          options
              .withDurability("FSYNC")
              .with(KafkaScenarios.BOOTSTRAP, server.bootstrap())
              .with(KafkaScenarios.SERVER_PID, Long.toString(server.pid()));
      results.add("serve-produce-fsync", runner.run("kafka-produce-consume", serve));
      results.add("serve-latency", runner.run("kafka-latency", serve));
    }
    try (OneLogServer server = OneLogServer.start(workDir, "NORMAL")) {
      BenchOptions serve =
          options
              .withDurability("NORMAL")
              .with(KafkaScenarios.BOOTSTRAP, server.bootstrap())
              .with(KafkaScenarios.SERVER_PID, Long.toString(server.pid()));
      results.add("serve-produce-normal", runner.run("kafka-produce-consume", serve));
    }
  }
}
