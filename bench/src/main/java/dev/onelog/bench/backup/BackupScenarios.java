package dev.onelog.bench.backup;

import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.function.Supplier;

/** The backup scenario, by name; run with {@code ./onelog bench --only backup}. */
public final class BackupScenarios {
  private BackupScenarios() {}

  public static final Map<String, Supplier<Scenario>> ALL = Map.of("backup", BackupScenario::new);
}
