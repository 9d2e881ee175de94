package dev.onelog.bench.chronicle;

import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scenarios that measure Chronicle Queue (net.openhft:chronicle-queue) on onelog's workload, by
 * name. Each must run in a JVM started with {@link ChronicleJvm#OPTIONS}; each keeps its queue in a
 * directory under the scenario's work directory, which the runner deletes afterwards.
 */
public final class ChronicleScenarios {
  private ChronicleScenarios() {}

  public static final String ASYNC = "chronicle-async";
  public static final String SYNC = "chronicle-sync";
  public static final String SCAN = "chronicle-scan";
  public static final String LATENCY = "chronicle-latency";

  public static final Map<String, Supplier<Scenario>> ALL =
      Map.of(
          ASYNC, AsyncAppendScenario::new,
          SYNC, SyncAppendScenario::new,
          SCAN, ScanScenario::new,
          LATENCY, LatencyScenario::new);
}
