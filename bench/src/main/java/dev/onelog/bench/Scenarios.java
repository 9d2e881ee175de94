package dev.onelog.bench;

import dev.onelog.bench.backup.BackupScenarios;
import dev.onelog.bench.chronicle.ChronicleScenarios;
import dev.onelog.bench.cleanup.CleanupScenarios;
import dev.onelog.bench.eventstore.EventStoreScenarios;
import dev.onelog.bench.groups.GroupScenarios;
import dev.onelog.bench.kafka.KafkaScenarios;
import dev.onelog.bench.onelog.OneLogScenarios;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Every scenario by the name {@link ScenarioMain} knows it by. */
public final class Scenarios {
  private Scenarios() {}

  private static final Map<String, Supplier<Scenario>> ALL = new TreeMap<>();

  static {
    ALL.putAll(OneLogScenarios.ALL);
    ALL.putAll(KafkaScenarios.ALL);
    ALL.putAll(GroupScenarios.ALL);
    ALL.putAll(BackupScenarios.ALL);
    ALL.putAll(CleanupScenarios.ALL);
    ALL.putAll(EventStoreScenarios.ALL);
    ALL.putAll(ChronicleScenarios.ALL);
  }

  public static Scenario named(String name) {
    Supplier<Scenario> scenario = ALL.get(name);
    if (scenario == null) {
      throw new IllegalArgumentException("no scenario '" + name + "'; known: " + ALL.keySet());
    }
    return scenario.get();
  }
}
