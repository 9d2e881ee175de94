package dev.onelog.bench.cleanup;

import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.function.Supplier;

/** The retention, compaction and latest-by-key scenarios, by name. */
public final class CleanupScenarios {
  private CleanupScenarios() {}

  public static final Map<String, Supplier<Scenario>> ALL =
      Map.of(
          "cleanup-append", CompactedAppendScenario::new,
          "cleanup-latency", CleanupLatencyScenario::new,
          "cleanup-compact", CompactionRateScenario::new,
          "cleanup-latest", LatestLookupScenario::new);
}
