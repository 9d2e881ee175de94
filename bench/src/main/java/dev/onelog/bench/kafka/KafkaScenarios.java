package dev.onelog.bench.kafka;

import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.function.Supplier;

/** The scenarios that measure a real Kafka broker, by name. */
public final class KafkaScenarios {
  private KafkaScenarios() {}

  public static final Map<String, Supplier<Scenario>> ALL = Map.of();
}
