package dev.onelog.bench.eventstore;

import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.function.Supplier;

/** The event store scenarios ({@code --only eventstore}), by name. */
public final class EventStoreScenarios {
  private EventStoreScenarios() {}

  public static final Map<String, Supplier<Scenario>> ALL =
      Map.of(
          "es-append", ConditionalAppendScenario::new,
          "es-read", StreamReadScenario::new,
          "es-projection", ProjectionScenario::new);
}
