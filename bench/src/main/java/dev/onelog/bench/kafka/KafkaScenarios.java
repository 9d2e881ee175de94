package dev.onelog.bench.kafka;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The scenarios that measure a real Kafka broker, by name. Each reads the broker's address from the
 * extra {@code bootstrap}; the benchmark starts the broker, once for all of them:
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start(baseDir, KafkaBroker.Flush.forDurability(options.durability()))) {
 *   runner.run("kafka-produce-consume", options.with("bootstrap", broker.bootstrap()));
 * }
 * }</pre>
 */
public final class KafkaScenarios {
  private KafkaScenarios() {}

  /** The extra that carries {@link KafkaBroker#bootstrap()}. */
  public static final String BOOTSTRAP = "bootstrap";

  /**
   * The extra that, set to {@code true}, runs {@code kafka-latency}'s consumer in a JVM of its own.
   */
  public static final String CONSUMER_PROCESS = "consumerProcess";

  /**
   * The extra that carries the server's process id (a broker's or {@code onelog serve}'s), so that
   * a scenario can report the server's CPU time beside its own; optional.
   */
  public static final String SERVER_PID = "serverPid";

  public static final Map<String, Supplier<Scenario>> ALL =
      Map.of(
          ProduceConsumeScenario.NAME, ProduceConsumeScenario::new,
          LatencyScenario.NAME, LatencyScenario::new);

  /** The server's process, when the extra {@link #SERVER_PID} names one that is alive. */
  static Optional<ProcessHandle> server(BenchOptions options) {
    String pid = options.extra(SERVER_PID, "");
    return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid));
  }

  static String bootstrap(BenchOptions options) {
    String bootstrap = options.extra(BOOTSTRAP, "");
    if (bootstrap.isEmpty()) {
      throw new IllegalArgumentException(
          "extra '"
              + BOOTSTRAP
              + "' is missing: start a KafkaBroker and pass "
              + "options.with(\""
              + BOOTSTRAP
              + "\", broker.bootstrap())");
    }
    return bootstrap;
  }
}
