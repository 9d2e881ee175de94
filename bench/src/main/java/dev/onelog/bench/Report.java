package dev.onelog.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the runs' figures into the table people read (medians, every run's value beside them), the
 * ratios the targets are stated in, and the summary JSON object.
 */
final class Report {
  private final Bench.Results results;
  private final BenchOptions options;
  private final String async;
  private final String sync;
  private final GroupsReport groups;
  private final CleanupFigures cleanup;
  private final ChronicleFigures chronicle;

  Report(Bench.Results results, BenchOptions options, int syncCallers, int groupMembers) {
    this.results = results;
    this.options = options;
    this.groups = new GroupsReport(results, groupMembers);
    this.cleanup = new CleanupFigures(results);
    this.chronicle = new ChronicleFigures(results, options.producers());
    this.async = "async-" + options.producers() + "-";
    this.sync = "sync-" + syncCallers + "-";
  }

  void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%nonelog bench: %,d records, %d-byte keys, %d-byte values, %d partition(s); medians of %s%n%n",
        options.records(),
        options.keyBytes(),
        options.valueBytes(),
        options.partitions(),
        runsText());
    out.printf(Locale.ROOT, "%-34s %-26s %14s   %s%n", "scenario", "figure", "median", "runs");
    for (Map.Entry<String, List<Map<String, Object>>> entry : results.byLabel.entrySet()) {
      String label = entry.getKey();
      for (String field : entry.getValue().get(0).keySet()) {
        if (!(entry.getValue().get(0).get(field) instanceof Number)
            || field.equals("peakRssMiB") && !label.startsWith("async")) {
          continue;
        }
        out.printf(
            Locale.ROOT,
            "%-34s %-26s %14s   %s%n",
            label,
            field,
            format(results.median(label, field)),
            results.all(label, field).stream().map(Report::format).toList());
      }
    }
    groups.print(out);
    cleanup.print(out);
    out.println();
    out.println("ratios and targets (same runs):");
    for (Target target : targets()) {
      out.printf(
          Locale.ROOT,
          "  %-62s %10s  target %-8s %s%n",
          target.name,
          format(target.value),
          target.comparison + format(target.threshold),
          Double.isNaN(target.value) ? "not run" : target.met() ? "met" : "MISSED");
    }
    chronicle.print(out);
  }

  private String runsText() {
    int most = results.byLabel.values().stream().mapToInt(List::size).max().orElse(0);
    return most + " run(s)";
  }

  record Target(String name, double value, String comparison, double threshold) {
    boolean met() {
      return comparison.equals(">=") ? value >= threshold : value <= threshold;
    }
  }

  List<Target> targets() {
    List<Target> targets = new ArrayList<>(logTargets());
    targets.addAll(groups.targets());
    targets.addAll(cleanup.targets());
    targets.addAll(EventStoreFigures.targets(results));
    return targets;
  }

  private List<Target> logTargets() {
    double asyncFsync = results.median(async + "FSYNC", "recordsPerSec");
    double asyncNormal = results.median(async + "NORMAL", "recordsPerSec");
    return List.of(
        new Target(
            "async " + options.producers() + " producers FSYNC / sqlite-jdbc baseline",
            asyncFsync / results.median("sqlite-baseline", "recordsPerSec"),
            ">=",
            1.3),
        new Target(
            "async FSYNC / Kafka flush.messages=1",
            asyncFsync / results.median("kafka-produce-flush1", "produceRecordsPerSec"),
            ">=",
            1.3),
        new Target(
            "async NORMAL / Kafka acks=all",
            asyncNormal / results.median("kafka-produce-acksall", "produceRecordsPerSec"),
            ">=",
            1.2),
        new Target(
            "writer CPU ns per record, async " + options.producers() + " producers FSYNC",
            results.median(async + "FSYNC", "writerCpuNsPerRecord"),
            "<=",
            200),
        new Target(
            "the same, as many records again in that JVM (warm)",
            results.median(async + "FSYNC", "warmWriterCpuNsPerRecord"),
            "<=",
            200),
        new Target(
            "sync " + sync.replace("sync-", "").replace("-", "") + " callers FSYNC, records/s",
            results.median(sync + "FSYNC", "recordsPerSec"),
            ">=",
            100_000),
        new Target(
            "sync 1 caller FSYNC / disk fsyncs per second (rewriting)",
            results.median("sync-1-FSYNC", "recordsPerSec")
                / results.median("fsync-rate", "fsyncsPerSec"),
            ">=",
            1.0),
        new Target(
            "sync 1 caller FSYNC / sqlite-jdbc loop, one row a commit",
            results.median("sync-1-FSYNC", "recordsPerSec")
                / results.median("sqlite-sync-1", "recordsPerSec"),
            ">=",
            0.9),
        new Target(
            "scan FSYNC, records/s",
            results.median("scan-FSYNC", "recordsPerSec"),
            ">=",
            1_000_000),
        new Target(
            "scan / Kafka consumer",
            results.median("scan-FSYNC", "recordsPerSec")
                / results.median("kafka-produce-acksall", "consumeRecordsPerSec"),
            ">=",
            2.0),
        new Target(
            "p99 in-process FSYNC / Kafka in-process",
            results.median("latency-inprocess-FSYNC", "latencyP99Ms")
                / results.median("kafka-latency-inprocess", "latencyP99Ms"),
            "<=",
            0.25),
        new Target(
            "p99 cross-process FSYNC / Kafka cross-process",
            results.median("latency-crossprocess-FSYNC", "latencyP99Ms")
                / results.median("kafka-latency-crossprocess", "latencyP99Ms"),
            "<=",
            0.5),
        new Target(
            "send-to-poll p99 in-process FSYNC, ms (a paced fsync's p99: "
                + format(results.median("fsync-rate", "pacedFsyncP99Ms"))
                + ")",
            results.median("latency-inprocess-FSYNC", "latencyP99Ms"),
            "<=",
            0.5),
        new Target(
            "send-to-poll p99 cross-process FSYNC, ms",
            results.median("latency-crossprocess-FSYNC", "latencyP99Ms"),
            "<=",
            1.0),
        new Target(
            "peak heap of the async run (twice " + options.records() + " records), MiB",
            results.median(async + "FSYNC", "peakHeapMiB"),
            "<=",
            256));
  }

  Map<String, Object> summary() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("appendRecordsPerSec", results.median(async + "FSYNC", "recordsPerSec"));
    s.put("baselineRecordsPerSec", results.median("sqlite-baseline", "recordsPerSec"));
    s.put("syncAppendRecordsPerSec", results.median(sync + "FSYNC", "recordsPerSec"));
    s.put("sqliteSyncRecordsPerSec", results.median("sqlite-sync-1", "recordsPerSec"));
    s.put("scanRecordsPerSec", results.median("scan-FSYNC", "recordsPerSec"));
    s.put("latencyP50Ms", results.median("latency-inprocess-FSYNC", "latencyP50Ms"));
    s.put("latencyP99Ms", results.median("latency-inprocess-FSYNC", "latencyP99Ms"));
    s.put("latencyP999Ms", results.median("latency-inprocess-FSYNC", "latencyP999Ms"));
    s.put("crossProcessLatencyP99Ms", results.median("latency-crossprocess-FSYNC", "latencyP99Ms"));
    s.put("peakHeapMiB", results.median(async + "FSYNC", "peakHeapMiB"));
    s.put("peakRssMiB", results.median(async + "FSYNC", "peakRssMiB"));
    s.put("appendSingleProducerRecordsPerSec", results.median("async-1-FSYNC", "recordsPerSec"));
    s.put("appendNormalRecordsPerSec", results.median(async + "NORMAL", "recordsPerSec"));
    s.put("syncAppendSingleCallerRecordsPerSec", results.median("sync-1-FSYNC", "recordsPerSec"));
    s.put("fsyncsPerSec", results.median("fsync-rate", "fsyncsPerSec"));
    s.put("fdatasyncsPerSec", results.median("fsync-rate", "fdatasyncsPerSec"));
    s.put("appendFsyncsPerSec", results.median("fsync-rate", "appendFsyncsPerSec"));
    s.put("pacedFsyncP99Ms", results.median("fsync-rate", "pacedFsyncP99Ms"));
    s.put(
        "kafkaAcksAllRecordsPerSec",
        results.median("kafka-produce-acksall", "produceRecordsPerSec"));
    s.put(
        "kafkaFlushEachRecordsPerSec",
        results.median("kafka-produce-flush1", "produceRecordsPerSec"));
    s.put(
        "kafkaConsumeRecordsPerSec",
        results.median("kafka-produce-acksall", "consumeRecordsPerSec"));
    s.put("kafkaLatencyP99Ms", results.median("kafka-latency-inprocess", "latencyP99Ms"));
    s.put(
        "kafkaCrossProcessLatencyP99Ms",
        results.median("kafka-latency-crossprocess", "latencyP99Ms"));
    groups.summarize(s);
    cleanup.summarize(s);
    chronicle.summarize(s);
    EventStoreFigures.summarize(results, s);
    for (Target target : targets()) {
      s.put(
          "target: " + target.name,
          Double.isNaN(target.value) ? "not run" : target.met() ? "met" : "missed");
    }
    return s;
  }

  static String format(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    if (Math.abs(value) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
