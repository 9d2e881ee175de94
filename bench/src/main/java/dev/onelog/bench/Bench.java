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
        "Measures onelog's append, scan and latency against plain sqlite-jdbc and, with --with-kafka, a real Kafka broker and, with --with-chronicle, Chronicle Queue.")
public final class Bench implements Callable<Integer> {
  @Option(
      names = "--records",
      description = "Records per throughput run (default ${DEFAULT-VALUE}).")
  long records = 2_000_000;

  @Option(
      names = "--key-bytes",
      description = "Key size; 0 sends records without keys (default ${DEFAULT-VALUE}).")
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
      description =
          "Run only these groups: append, sync, scan, latency, baseline, fsync, kafka, groups"
              + ", backup, cleanup (retention, compaction, latest-by-key) and eventstore, which"
              + " run only when named here. --with-chronicle runs Chronicle's counterparts of"
              + " append, sync, scan and latency when those are run.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--backup-mib",
      description =
          "Size of the log the backup scenario builds and copies, in MiB (default ${DEFAULT-VALUE}).")
  int backupMiB = 1024;

  @Option(
      names = "--group-members",
      description =
          "Members of the groups scenarios' many-member runs, in one process, on a topic of as"
              + " many partitions (default ${DEFAULT-VALUE}).")
  int groupMembers = 16;

  @Option(
      names = "--cleanup-keys",
      description =
          "Distinct keys of the cleanup scenarios' compacted-append and latest runs (default"
              + " ${DEFAULT-VALUE}).")
  long cleanupKeys = 1_000_000;

  @Option(
      names = "--compaction-records",
      description = "Records compact() compacts in the cleanup runs (default ${DEFAULT-VALUE}).")
  long compactionRecords = 2_000_000;

  @Option(
      names = "--compaction-keys",
      description = "Distinct keys among them (default ${DEFAULT-VALUE}).")
  long compactionKeys = 200_000;

  @Option(
      names = "--latest-records",
      description =
          "Records of the compacted topic latest() reads from (default ${DEFAULT-VALUE}).")
  long latestRecords = 10_000_000;

  @Option(
      names = "--lookup-seconds",
      description = "Measured seconds of each latest() lookup phase (default ${DEFAULT-VALUE}).")
  int lookupSeconds = 5;

  @Option(
      names = "--with-kafka",
      description = "Also run the workload against a real single-node Kafka broker.")
  boolean withKafka;

  @Option(
      names = "--with-chronicle",
      description =
          "Also run append, sync, scan and latency through Chronicle Queue, each in a JVM of its"
              + " own, right after the onelog scenario it is compared with.")
  boolean withChronicle;

  @Option(
      names = "--serve",
      description =
          "Also run Kafka's clients against onelog serve (the same scenarios as --with-kafka).")
  boolean serve;

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
      ChronicleComparison chronicle =
          new ChronicleComparison(
              withChronicle,
              workDir,
              heap,
              base.with("seconds", Integer.toString(syncSeconds)),
              results);
      runOneLog(runner, base, results, chronicle);
      if (wanted("groups")) {
        runGroups(runner, base, results);
      }
      if (only.contains("cleanup")) { // not by default: it takes about 45 minutes
        runCleanup(runner, base, results);
      }
      if (only.contains("eventstore")) { // not by default: the issue's own workload, FSYNC
        runEventStore(runner, base, results);
      }
      if (serve) {
        ServeComparison.run(workDir, base, results);
      }
      if (withKafka && wanted("kafka")) {
        KafkaComparison.run(workDir, base, results);
      }
      if (only.contains(
          "backup")) { // never by default: it writes a GiB file, and copies it 4 times
        results.add(
            "backup", runner.run("backup", base.with("backupMiB", Integer.toString(backupMiB))));
      }
    }
    Files.deleteIfExists(latestBuildCache(base));
    Report report = new Report(results, base, syncCallers, groupMembers);
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

  /**
   * onelog's append, sync, scan and latency scenarios in each durability mode, with the sqlite-jdbc
   * baseline and the disk's fsync rate; with {@code --with-chronicle}, Chronicle's counterpart of
   * each group right after the onelog scenario it is compared with, in the first durability mode.
   */
  private void runOneLog(
      ScenarioRunner runner, BenchOptions base, Results results, ChronicleComparison chronicle)
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
        chronicle.afterOneLog("append");
      }
      if (wanted("sync")) {
        BenchOptions sync = options.with("seconds", Integer.toString(syncSeconds));
        results.add("sync-1-" + mode, runner.run("onelog-sync", sync.withProducers(1)));
        if (mode.equals("FSYNC")) {
          results.add("sqlite-sync-1", runner.run("sqlite-sync", sync.withProducers(1)));
        }
        chronicle.afterOneLog("sync");
        results.add(
            "sync-" + syncCallers + "-" + mode,
            runner.run("onelog-sync", sync.withProducers(syncCallers)));
      }
      if (wanted("scan")) {
        results.add("scan-" + mode, runner.run("onelog-scan", options));
        chronicle.afterOneLog("scan");
      }
      if (wanted("latency")) {
        results.add("latency-inprocess-" + mode, runner.run("onelog-latency", options));
        chronicle.afterOneLog("latency");
        results.add(
            "latency-crossprocess-" + mode,
            runner.run("onelog-latency", options.with("consumerProcess", "true")));
      }
    }
  }

  /**
   * The consumer-group scenarios, FSYNC only: offset commits against single appends from as many
   * callers; a member's partitions consumed again after kill -9 and after close, with the default
   * and a short session timeout; and the async workload with idle members in this JVM, in another
   * JVM, and without. Each pair that is compared runs back to back in the same run.
   */
  private void runGroups(ScenarioRunner runner, BenchOptions base, Results results)
      throws Exception {
    BenchOptions fsync = base.withDurability("FSYNC");
    BenchOptions timed = fsync.with("seconds", Integer.toString(syncSeconds));
    for (int members : List.of(1, groupMembers)) {
      results.add(
          GroupsReport.commit(members), runner.run("group-commit", timed.withProducers(members)));
      results.add(
          GroupsReport.syncAppend(members),
          runner.run("onelog-sync", timed.withProducers(members)));
    }
    for (String stop : List.of("kill", "close")) {
      for (int sessionSeconds : GroupsReport.SESSION_SECONDS) {
        results.add(
            GroupsReport.failover(stop, sessionSeconds),
            runner.run(
                "group-failover",
                fsync
                    .with("stop", stop)
                    .with("sessionTimeoutMs", Integer.toString(sessionSeconds * 1000))));
      }
    }
    BenchOptions async = fsync.with("quietSeconds", "2");
    results.add(GroupsReport.asyncWithout(), runner.run("onelog-async", async));
    for (boolean otherJvm : List.of(false, true)) {
      results.add(
          GroupsReport.asyncWith(groupMembers, otherJvm),
          runner.run(
              "onelog-async",
              async
                  .with("idleMembers", Integer.toString(groupMembers))
                  .with("idleMembersIn", otherJvm ? "other" : "this")));
    }
  }

  /**
   * Retention, compaction and latest-by-key, FSYNC only: the async workload on a delete and on a
   * compacted topic, and paced appends without and with retention and compaction at work, each pair
   * back to back; then compact()'s rate, and latest() on a big compacted topic.
   */
  private void runCleanup(ScenarioRunner runner, BenchOptions base, Results results)
      throws Exception {
    BenchOptions fsync = base.withDurability("FSYNC");
    BenchOptions append = fsync.with("keys", Long.toString(cleanupKeys));
    results.add(
        CleanupFigures.APPEND_DELETE,
        runner.run("cleanup-append", append.with("policy", "delete")));
    results.add(
        CleanupFigures.APPEND_COMPACT,
        runner.run("cleanup-append", append.with("policy", "compact")));
    results.add(
        CleanupFigures.LATENCY_PLAIN,
        runner.run("cleanup-latency", fsync.with("cleanup", "false")));
    results.add(
        CleanupFigures.LATENCY_CLEANING,
        runner.run("cleanup-latency", fsync.with("cleanup", "true")));
    results.add(
        CleanupFigures.COMPACTION,
        runner.run(
            "cleanup-compact",
            fsync
                .with("records", Long.toString(compactionRecords))
                .with("keys", Long.toString(compactionKeys))));
    results.add(
        CleanupFigures.LATEST,
        runner.run(
            "cleanup-latest",
            fsync
                .with("records", Long.toString(latestRecords))
                .with("keys", Long.toString(cleanupKeys))
                .with("lookupSeconds", Integer.toString(lookupSeconds))
                .with("buildCache", latestBuildCache(base).toString())));
  }

  /**
   * The event store, FSYNC only, over 10,000 streams chosen Zipf-wise: appends of 100 events from
   * 16 callers and of one event from 64, each with an expected version; whole-stream reads of
   * streams of 100 events; a projection catching up.
   */
  private void runEventStore(ScenarioRunner runner, BenchOptions base, Results results)
      throws Exception {
    BenchOptions fsync =
        base.withDurability("FSYNC").with("seconds", Integer.toString(syncSeconds));
    results.add(
        EventStoreFigures.APPEND_BATCH,
        runner.run("es-append", fsync.with("threads", "16").with("batch", "100")));
    results.add(
        EventStoreFigures.APPEND_SINGLE,
        runner.run("es-append", fsync.with("threads", "64").with("batch", "1")));
    results.add(EventStoreFigures.READ, runner.run("es-read", fsync));
    results.add(EventStoreFigures.PROJECTION, runner.run("es-projection", fsync));
  }

  /**
   * Where the first run leaves the closed, uncompacted file {@code cleanup-latest} builds, for the
   * later runs to copy: its build takes minutes and is not what it measures. Deleted at the end.
   */
  private Path latestBuildCache(BenchOptions base) {
    return workDir.resolve(
        String.format(
            Locale.ROOT,
            "cleanup-latest-%dx%d-%d-%d.db",
            latestRecords,
            cleanupKeys,
            base.keyBytes(),
            base.valueBytes()));
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

    /**
     * Each run's {@code numerator / denominator}, run by run: both ran in the same run, back to
     * back, so the ratio is paired.
     */
    List<Double> ratios(
        String numerator, String numeratorField, String denominator, String denominatorField) {
      List<Double> top = all(numerator, numeratorField);
      List<Double> bottom = all(denominator, denominatorField);
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < Math.min(top.size(), bottom.size()); i++) {
        ratios.add(top.get(i) / bottom.get(i));
      }
      return ratios;
    }

    static double median(List<Double> values) {
      if (values.isEmpty()) {
        return Double.NaN;
      }
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int mid = sorted.length / 2;
      return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
