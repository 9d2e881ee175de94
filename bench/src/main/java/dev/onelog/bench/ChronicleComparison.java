package dev.onelog.bench;

import dev.onelog.bench.chronicle.ChronicleJvm;
import dev.onelog.bench.chronicle.ChronicleScenarios;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code --with-chronicle}: the same records through Chronicle Queue, each scenario in a fresh JVM
 * with Chronicle's Java 17 options ({@link ChronicleJvm#OPTIONS}) and onelog's heap. One instance
 * per run: after onelog's scenarios of a group (append, sync, scan, latency) the benchmark calls
 * {@link #afterOneLog}, which runs Chronicle's counterpart once in that run, so that each ratio
 * pairs two measurements taken seconds apart on a machine whose load changes by the minute:
 *
 * <ul>
 *   <li>append: 1 and {@code producers} appenders, no sync;
 *   <li>sync: one caller, {@code sync()} after every record;
 *   <li>scan: a tailer from the start;
 *   <li>latency: a tailer on another thread, records appended at the paced rate.
 * </ul>
 *
 * Not thread-safe: the benchmark's main thread uses it alone.
 */
final class ChronicleComparison {
  private final boolean enabled;
  private final ScenarioRunner runner;
  private final BenchOptions options;
  private final Bench.Results results;
  private final Set<String> groupsRun = new HashSet<>();

  /**
   * For one run; {@code options} carries {@code extra seconds} for the sync run. When not {@code
   * enabled}, {@link #afterOneLog} does nothing.
   */
  ChronicleComparison(
      boolean enabled, Path workDir, String heap, BenchOptions options, Bench.Results results) {
    this.enabled = enabled;
    this.runner = new ScenarioRunner(workDir, heap, ChronicleJvm.OPTIONS);
    this.options = options;
    this.results = results;
  }

  /**
   * Runs Chronicle's counterpart of onelog's {@code group}, the first time it is asked in this run,
   * filing its figures under {@link ChronicleFigures}' labels.
   */
  void afterOneLog(String group) throws Exception {
    if (!enabled || !groupsRun.add(group)) {
      return;
    }
    switch (group) {
      case "append" -> {
        results.add(
            ChronicleFigures.async(1),
            runner.run(ChronicleScenarios.ASYNC, options.withProducers(1)));
        results.add(
            ChronicleFigures.async(options.producers()),
            runner.run(ChronicleScenarios.ASYNC, options));
      }
      case "sync" ->
          results.add(
              ChronicleFigures.SYNC, runner.run(ChronicleScenarios.SYNC, options.withProducers(1)));
      case "scan" ->
          results.add(ChronicleFigures.SCAN, runner.run(ChronicleScenarios.SCAN, options));
      case "latency" ->
          results.add(ChronicleFigures.LATENCY, runner.run(ChronicleScenarios.LATENCY, options));
      default ->
          throw new IllegalArgumentException(
              "Chronicle has no counterpart of group '"
                  + group
                  + "'; it has: append, sync, scan, latency");
    }
  }
}
