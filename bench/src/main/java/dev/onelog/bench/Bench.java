package dev.onelog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onelog bench}: the standard workload, every scenario in a JVM of its own, repeated {@code
 * --runs} times; prints a table of medians for people and, as its last line, one JSON object for
 * tools.
 */
@Command(
    name = "onelog bench",
    mixinStandardHelpOptions = true,
    description =
        "Measures onelog's append, scan and latency against plain sqlite-jdbc and, with --with-kafka, a real Kafka broker.")
public final class Bench implements Callable<Integer> {
  @Option(
      names = "--records",
      description = "Records per throughput run (default ${DEFAULT-VALUE}).")
  long records = 2_000_000;

  @Option(names = "--key-bytes", description = "Key size (default ${DEFAULT-VALUE}).")
  int keyBytes = 16;

  @Option(names = "--value-bytes", description = "Value size (default ${DEFAULT-VALUE}).")
  int valueBytes = 100;

  @Option(
      names = "--partitions",
      description = "Partitions of the topic (default ${DEFAULT-VALUE}).")
  int partitions = 1;

  @Option(
      names = "--producers",
      description = "Producer threads of the async run (default ${DEFAULT-VALUE}).")
  int producers = 4;

  @Option(
      names = "--sync-callers",
      description = "Concurrent callers of the sync run (default ${DEFAULT-VALUE}).")
  int syncCallers = 64;

  @Option(
      names = "--sync-seconds",
      description = "Measured seconds of each sync run (default ${DEFAULT-VALUE}).")
  int syncSeconds = 5;

  @Option(names = "--durability", description = "fsync, normal or both (default ${DEFAULT-VALUE}).")
  String durability = "both";

  @Option(
      names = "--latency-rate",
      description = "Records per second of the latency run (default ${DEFAULT-VALUE}).")
  int latencyRate = 10_000;

  @Option(
      names = "--latency-seconds",
      description = "Seconds of the latency run, 2 of them warm-up (default ${DEFAULT-VALUE}).")
  int latencySeconds = 20;

  @Option(
      names = "--runs",
      description = "Times each scenario runs; figures are medians (default ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--only",
      split = ",",
      description = "Run only these groups: append, sync, scan, latency, baseline, fsync, kafka.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--with-kafka",
      description = "Also run the workload against a real single-node Kafka broker.")
  boolean withKafka;

  @Option(
      names = "--heap",
      description = "Maximum heap of each onelog scenario JVM (default ${DEFAULT-VALUE}).")
  String heap = "256m";

  @Option(
      names = "--work-dir",
      description = "Where scenario files go (default: a temporary directory).")
  Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (workDir == null) {
      workDir = Files.createTempDirectory("onelog-bench");
    }
    Files.createDirectories(workDir);
    BenchOptions base =
        new BenchOptions(
            records,
            keyBytes,
            valueBytes,
            partitions,
            producers,
            "FSYNC",
            latencyRate,
            latencySeconds,
            Map.of());
    Results results = new Results();
    ScenarioRunner runner = new ScenarioRunner(workDir, heap);
    long started = System.nanoTime();
    for (int run = 1; run <= runs; run++) {
      System.err.printf(Locale.ROOT, "run %d of %d%n", run, runs);
      runOneLog(runner, base, results);
      if (withKafka && wanted("kafka")) {
        KafkaComparison.run(workDir, base, results);
      }
    }
    Report report = new Report(results, base, syncCallers);
    report.print(System.out);
    System.out.printf(
        Locale.ROOT,
        "%ntotal %.0f s, %d run(s), work dir %s%n",
        (System.nanoTime() - started) / 1e9,
        runs,
        workDir);
    System.out.println(Json.write(report.summary()));
    return 0;
  }

  private void runOneLog(ScenarioRunner runner, BenchOptions base, Results results)
      throws Exception {
    if (wanted("fsync")) {
      results.add("fsync-rate", runner.run("fsync-rate", base));
    }
    if (wanted("baseline")) {
      results.add("sqlite-baseline", runner.run("sqlite-baseline", base));
    }
    for (String mode : durabilities()) {
      BenchOptions options = base.withDurability(mode);
      if (wanted("append")) {
        results.add("async-1-" + mode, runner.run("onelog-async", options.withProducers(1)));
        results.add("async-" + producers + "-" + mode, runner.run("onelog-async", options));
      }
      if (wanted("sync")) {
        BenchOptions sync = options.with("seconds", Integer.toString(syncSeconds));
        results.add("sync-1-" + mode, runner.run("onelog-sync", sync.withProducers(1)));
        results.add(
            "sync-" + syncCallers + "-" + mode,
            runner.run("onelog-sync", sync.withProducers(syncCallers)));
      }
      if (wanted("scan")) {
        results.add("scan-" + mode, runner.run("onelog-scan", options));
      }
      if (wanted("latency")) {
        results.add("latency-inprocess-" + mode, runner.run("onelog-latency", options));
        results.add(
            "latency-crossprocess-" + mode,
            runner.run("onelog-latency", options.with("consumerProcess", "true")));
      }
    }
  }

  private List<String> durabilities() {
    return switch (durability.toLowerCase(Locale.ROOT)) {
      case "fsync" -> List.of("FSYNC");
      case "normal" -> List.of("NORMAL");
      case "both" -> List.of("FSYNC", "NORMAL");
      default ->
          throw new CommandLine.ParameterException(
              new CommandLine(this),
              "--durability must be fsync, normal or both, was '" + durability + "'");
    };
  }

  private boolean wanted(String group) {
    return only.isEmpty() || only.contains(group);
  }

  /** Every run's figures, by scenario label, in the order they were first seen. */
  static final class Results {
    final Map<String, List<Map<String, Object>>> byLabel = new LinkedHashMap<>();

    void add(String label, Map<String, Object> figures) {
      byLabel.computeIfAbsent(label, l -> new ArrayList<>()).add(figures);
      System.err.println("  " + label + " " + Json.write(figures));
    }

    /** The median of a numeric field over the runs, or NaN when the label never ran. */
    double median(String label, String field) {
      List<Map<String, Object>> runs = byLabel.get(label);
      if (runs == null) {
        return Double.NaN;
      }
      double[] values =
          runs.stream()
              .map(r -> r.get(field))
              .filter(v -> v instanceof Number)
              .mapToDouble(v -> ((Number) v).doubleValue())
              .sorted()
              .toArray();
      if (values.length == 0) {
        return Double.NaN;
      }
      int mid = values.length / 2;
      return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    List<Double> all(String label, String field) {
      List<Double> values = new ArrayList<>();
      for (Map<String, Object> run : byLabel.getOrDefault(label, List.of())) {
        if (run.get(field) instanceof Number n) {
          values.add(n.doubleValue());
        }
      }
      return values;
    }
  }
}
