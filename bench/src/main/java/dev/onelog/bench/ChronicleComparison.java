package dev.onelog.bench;

import dev.onelog.bench.chronicle.ChronicleJvm;
import dev.onelog.bench.chronicle.ChronicleScenarios;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * {@code --with-chronicle}: the same records through Chronicle Queue, each scenario in a fresh JVM
 * with Chronicle's Java 17 options ({@link ChronicleJvm#OPTIONS}) and onelog's heap, right after
 * onelog's scenarios of the same run, so that every ratio pairs two measurements taken minutes
 * apart. Each runs only when its onelog counterpart's group is wanted: append (1 and {@code
 * producers} appenders, no sync), sync (one caller, {@code sync()} after every record), scan (a
 * tailer from the start) and latency (a tailer on another thread at the paced rate).
 */
final class ChronicleComparison {
  private ChronicleComparison() {}

  /**
   * Runs the wanted scenarios, filing their figures under {@link ChronicleFigures}' labels; {@code
   * options} carries {@code extra seconds} for the sync run.
   */
  static void run(
      Path workDir,
      String heap,
      BenchOptions options,
      Predicate<String> wanted,
      Bench.Results results)
      throws Exception {
    ScenarioRunner runner = new ScenarioRunner(workDir, heap, ChronicleJvm.OPTIONS);
    if (wanted.test("append")) {
      results.add(
          ChronicleFigures.async(1),
          runner.run(ChronicleScenarios.ASYNC, options.withProducers(1)));
      results.add(
          ChronicleFigures.async(options.producers()),
          runner.run(ChronicleScenarios.ASYNC, options));
    }
    if (wanted.test("sync")) {
      results.add(
          ChronicleFigures.SYNC, runner.run(ChronicleScenarios.SYNC, options.withProducers(1)));
    }
    if (wanted.test("scan")) {
      results.add(ChronicleFigures.SCAN, runner.run(ChronicleScenarios.SCAN, options));
    }
    if (wanted.test("latency")) {
      results.add(ChronicleFigures.LATENCY, runner.run(ChronicleScenarios.LATENCY, options));
    }
  }
}
