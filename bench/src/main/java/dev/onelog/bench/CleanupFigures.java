package dev.onelog.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The retention, compaction and latest-by-key part of the report ({@code --only cleanup}): the
 * labels its runs are filed under, the lines that compare them, its two targets and its summary
 * fields. A ratio between two scenarios is the median of each run's ratio: both ran back to back in
 * the same run.
 */
final class CleanupFigures {
  static final String APPEND_DELETE = "cleanup-append-delete";
  static final String APPEND_COMPACT = "cleanup-append-compact";
  static final String LATENCY_PLAIN = "cleanup-latency-plain";
  static final String LATENCY_CLEANING = "cleanup-latency-cleaning";
  static final String COMPACTION = "cleanup-compaction";
  static final String LATEST = "cleanup-latest";

  static final double APPEND_RATIO_TARGET = 0.5;
  static final double P99_RATIO_TARGET = 1.5;

  private final Bench.Results results;

  CleanupFigures(Bench.Results results) {
    this.results = results;
  }

  void print(PrintStream out) {
    if (results.byLabel.keySet().stream().noneMatch(label -> label.startsWith("cleanup-"))) {
      return;
    }
    out.println();
    out.println("retention, compaction and latest-by-key, FSYNC (a ratio: median of each run's):");
    for (String label : List.of(APPEND_DELETE, APPEND_COMPACT)) {
      String policy = label.equals(APPEND_DELETE) ? "delete" : "compact";
      line(out, "async append, " + policy + " topic, rec/s", label, "recordsPerSec");
      line(out, "  writer CPU ns per record", label, "writerCpuNsPerRecord");
      line(out, "  bytes written per record", label, "bytesWrittenPerRecord");
    }
    ratioLine(out, "compacted / delete append rate", appendRatios());
    for (String label : List.of(LATENCY_PLAIN, LATENCY_CLEANING)) {
      String what = label.equals(LATENCY_PLAIN) ? "plain topics" : "retention + compaction";
      line(out, "send-to-ack p50 ms, " + what, label, "kvP50Ms");
      line(out, "  p99 ms", label, "kvP99Ms");
      line(out, "  p99.9 ms", label, "kvP999Ms");
      line(out, "  writer CPU %", label, "writerCpuPct");
    }
    ratioLine(out, "p99 with cleanup / without", p99Ratios());
    line(out, "  in the window: kv records removed", LATENCY_CLEANING, "kvRecordsRemoved");
    line(out, "  in the window: kv cleaner point advance", LATENCY_CLEANING, "kvCleanerAdvance");
    line(out, "  in the window: events records removed", LATENCY_CLEANING, "eventsRecordsRemoved");
    line(out, "  left for a final compact(): examined", LATENCY_CLEANING, "finalCompactExamined");
    line(out, "compact(): records examined/s", COMPACTION, "examinedPerSec");
    line(out, "  records examined", COMPACTION, "recordsExamined");
    line(out, "  records removed", COMPACTION, "recordsRemoved");
    line(out, "  seconds", COMPACTION, "compactSeconds");
    line(out, "latest(): building, rec/s", LATEST, "fillRecordsPerSec");
    line(out, "latest() before compact(), 1 thread, lookups/s", LATEST, "before1LookupsPerSec");
    line(out, "  p50 / p99 us", LATEST, "before1P50Us", "before1P99Us");
    line(out, "compact() of it, records examined/s", LATEST, "examinedPerSec");
    line(out, "latest() after compact(), 1 thread, lookups/s", LATEST, "after1LookupsPerSec");
    line(out, "  p50 / p99 us", LATEST, "after1P50Us", "after1P99Us");
    line(out, "latest() after compact(), 2 threads, lookups/s", LATEST, "after2LookupsPerSec");
    line(out, "  p50 / p99 us", LATEST, "after2P50Us", "after2P99Us");
  }

  private void line(PrintStream out, String name, String label, String... fields) {
    StringBuilder medians = new StringBuilder();
    StringBuilder runs = new StringBuilder();
    for (String field : fields) {
      String sep = medians.length() == 0 ? "" : " / ";
      medians.append(sep).append(Report.format(results.median(label, field)));
      runs.append(sep).append(results.all(label, field).stream().map(Report::format).toList());
    }
    out.printf(Locale.ROOT, "  %-62s %16s   %s%n", name, medians, runs);
  }

  private void ratioLine(PrintStream out, String name, List<Double> ratios) {
    out.printf(
        Locale.ROOT,
        "  %-62s %16s   %s%n",
        name,
        Report.format(Bench.Results.median(ratios)),
        ratios.stream().map(Report::format).toList());
  }

  private List<Double> appendRatios() {
    return results.ratios(APPEND_COMPACT, "recordsPerSec", APPEND_DELETE, "recordsPerSec");
  }

  private List<Double> p99Ratios() {
    return results.ratios(LATENCY_CLEANING, "kvP99Ms", LATENCY_PLAIN, "kvP99Ms");
  }

  List<Report.Target> targets() {
    return List.of(
        new Report.Target(
            "async append FSYNC, compacted topic / delete topic",
            Bench.Results.median(appendRatios()),
            ">=",
            APPEND_RATIO_TARGET),
        new Report.Target(
            "append p99 FSYNC while retention and compaction run / without",
            Bench.Results.median(p99Ratios()),
            "<=",
            P99_RATIO_TARGET));
  }

  void summarize(Map<String, Object> s) {
    s.put("cleanupAppendDeleteRecordsPerSec", results.median(APPEND_DELETE, "recordsPerSec"));
    s.put("cleanupAppendCompactRecordsPerSec", results.median(APPEND_COMPACT, "recordsPerSec"));
    s.put("cleanupAppendRatio", Bench.Results.median(appendRatios()));
    s.put("cleanupLatencyP99MsPlain", results.median(LATENCY_PLAIN, "kvP99Ms"));
    s.put("cleanupLatencyP99MsCleaning", results.median(LATENCY_CLEANING, "kvP99Ms"));
    s.put("cleanupLatencyP99Ratio", Bench.Results.median(p99Ratios()));
    s.put("compactionExaminedPerSec", results.median(COMPACTION, "examinedPerSec"));
    s.put("latestLookupsPerSec", results.median(LATEST, "after1LookupsPerSec"));
    s.put("latestLookupsPerSecTwoThreads", results.median(LATEST, "after2LookupsPerSec"));
    s.put("latestP99Us", results.median(LATEST, "after1P99Us"));
  }
}
