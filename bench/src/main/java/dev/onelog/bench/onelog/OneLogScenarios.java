package dev.onelog.bench.onelog;

import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.function.Supplier;

/** The scenarios that measure onelog and the plain sqlite-jdbc baselines, by name. */
public final class OneLogScenarios {
  private OneLogScenarios() {}

  public static final Map<String, Supplier<Scenario>> ALL =
      Map.of(
          "onelog-async", AsyncAppendScenario::new,
          "onelog-sync", SyncAppendScenario::new,
          "onelog-scan", ScanScenario::new,
          "onelog-latency", LatencyScenario::new,
          "sqlite-baseline", SqliteBaselineScenario::new,
          "sqlite-sync", SqliteSyncScenario::new,
          "fsync-rate", FsyncRateScenario::new);
}
