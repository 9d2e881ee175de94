package dev.onelog.bench;

import dev.onelog.bench.chronicle.ChronicleJvm;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Chronicle Queue part of the report ({@code --with-chronicle}): the labels its runs are filed
 * under, the onelog/Chronicle ratios printed beside Kafka's, and its summary fields. A ratio is the
 * median of each run's ratio, both figures having come from the same run. Above 1 onelog is faster
 * in throughput; for latency, below 1 onelog is faster.
 */
final class ChronicleFigures {
  static final String SYNC = "chronicle-sync-1";
  static final String SCAN = "chronicle-scan";
  static final String LATENCY = "chronicle-latency-inprocess";

  private final Bench.Results results;
  private final int producers;

  ChronicleFigures(Bench.Results results, int producers) {
    this.results = results;
    this.producers = producers;
  }

  static String async(int producers) {
    return "chronicle-async-" + producers;
  }

  /** One onelog/Chronicle ratio: a onelog label and field over a Chronicle one. */
  private record Ratio(String name, String onelog, String chronicle, String field) {}

  private List<Ratio> ratios() {
    return List.of(
        new Ratio("async append, 1 producer, FSYNC", "async-1-FSYNC", async(1), "recordsPerSec"),
        new Ratio("async append, 1 producer, NORMAL", "async-1-NORMAL", async(1), "recordsPerSec"),
        new Ratio(
            "async append, " + producers + " producers, FSYNC",
            "async-" + producers + "-FSYNC",
            async(producers),
            "recordsPerSec"),
        new Ratio(
            "async append, " + producers + " producers, NORMAL",
            "async-" + producers + "-NORMAL",
            async(producers),
            "recordsPerSec"),
        new Ratio(
            "async append, " + producers + " producers, FSYNC, as many again (warm)",
            "async-" + producers + "-FSYNC",
            async(producers),
            "warmRecordsPerSec"),
        new Ratio(
            "1 synchronous caller, FSYNC / sync() each", "sync-1-FSYNC", SYNC, "recordsPerSec"),
        new Ratio("scan from the start, FSYNC", "scan-FSYNC", SCAN, "recordsPerSec"),
        new Ratio(
            "latency p50, in-process, FSYNC", "latency-inprocess-FSYNC", LATENCY, "latencyP50Ms"),
        new Ratio(
            "latency p99, in-process, FSYNC", "latency-inprocess-FSYNC", LATENCY, "latencyP99Ms"),
        new Ratio(
            "latency p50, in-process, NORMAL", "latency-inprocess-NORMAL", LATENCY, "latencyP50Ms"),
        new Ratio(
            "latency p99, in-process, NORMAL",
            "latency-inprocess-NORMAL",
            LATENCY,
            "latencyP99Ms"));
  }

  private List<Double> paired(Ratio ratio) {
    return results.ratios(ratio.onelog, ratio.field, ratio.chronicle, ratio.field);
  }

  void print(PrintStream out) {
    if (results.byLabel.keySet().stream().noneMatch(label -> label.startsWith("chronicle-"))) {
      return;
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "onelog / Chronicle Queue %s (same runs; a ratio is the median of each run's; latency: below"
            + " 1 is onelog faster):%n",
        ChronicleJvm.version());
    for (Ratio ratio : ratios()) {
      List<Double> paired = paired(ratio);
      if (paired.isEmpty()) {
        continue;
      }
      out.printf(
          Locale.ROOT,
          "  %-62s %9sx   %s%n",
          "onelog/chronicle " + ratio.name,
          Report.format(Bench.Results.median(paired)),
          paired.stream().map(Report::format).toList());
    }
  }

  void summarize(Map<String, Object> s) {
    if (results.byLabel.keySet().stream().noneMatch(label -> label.startsWith("chronicle-"))) {
      return;
    }
    s.put("chronicleVersion", ChronicleJvm.version());
    s.put("chronicleAppendRecordsPerSec", results.median(async(producers), "recordsPerSec"));
    s.put("chronicleAppendSingleProducerRecordsPerSec", results.median(async(1), "recordsPerSec"));
    s.put("chronicleSyncAppendsPerSec", results.median(SYNC, "recordsPerSec"));
    s.put("chronicleScanRecordsPerSec", results.median(SCAN, "recordsPerSec"));
    s.put("chronicleLatencyP50Ms", results.median(LATENCY, "latencyP50Ms"));
    s.put("chronicleLatencyP99Ms", results.median(LATENCY, "latencyP99Ms"));
    s.put("chronicleLatencyP999Ms", results.median(LATENCY, "latencyP999Ms"));
    for (Ratio ratio : ratios()) {
      s.put("onelog/chronicle " + ratio.name, Bench.Results.median(paired(ratio)));
    }
  }
}
