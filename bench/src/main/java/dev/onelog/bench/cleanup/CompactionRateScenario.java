package dev.onelog.bench.cleanup;

import dev.onelog.CleanupPolicy;
import dev.onelog.CleanupReport;
import dev.onelog.OneLog;
import dev.onelog.PartitionDescription;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How fast {@code log.compact()} compacts: a compacted topic of one partition is filled with {@code
 * extra records} records (default 2,000,000) over {@code extra keys} keys (default 200,000), with a
 * compaction lag of an hour so that no background slice compacts any of it, then {@code compact()}
 * runs once, timed: records examined per second, records removed, pages freed, the file's size
 * before and after. Checks that exactly one record per key used is left.
 */
final class CompactionRateScenario implements Scenario {
  static final String TOPIC = "kv";

  /** Holds background compaction off while the topic fills; {@code compact()} ignores it. */
  static final Duration NO_BACKGROUND_COMPACTION = Duration.ofHours(1);

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    long records = Long.parseLong(options.extra("records", "2000000"));
    KeySpace keys =
        new KeySpace(Long.parseLong(options.extra("keys", "200000")), options.keyBytes());
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    try (OneLog log = CleanupLog.open(options, workDir)) {
      log.createTopic(
          TopicSpec.named(TOPIC)
              .withCleanupPolicy(CleanupPolicy.COMPACT)
              .withMinCompactionLag(NO_BACKGROUND_COMPACTION));
      long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
      long fillNanos = CleanupLog.fill(log, TOPIC, keys, data, records);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("fillRecordsPerSec", records / (fillNanos / 1e9));
      figures.put(
          "fillWriterCpuNsPerRecord",
          (CpuTime.threadsNanos("onelog-writer") - writerCpuBefore) / (double) records);
      figures.put("fileMiBBefore", log.fileSizeBytes() / (1024.0 * 1024.0));
      figures.putAll(compactTimed(log));
      figures.put("fileMiBAfter", log.fileSizeBytes() / (1024.0 * 1024.0));
      requireOnePerKey(CleanupLog.partition(log, TOPIC), keys.used(records).cardinality());
      return figures;
    }
  }

  /**
   * Runs {@code compact()} and returns its figures: seconds, records examined per second, the
   * report's counts and the writer thread's CPU per record examined.
   */
  static Map<String, Object> compactTimed(OneLog log) {
    long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
    long start = System.nanoTime();
    CleanupReport report = log.compact();
    long nanos = System.nanoTime() - start;
    long writerCpu = CpuTime.threadsNanos("onelog-writer") - writerCpuBefore;
    System.err.printf(Locale.ROOT, "    compact() took %.1f s: %s%n", nanos / 1e9, report);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("compactSeconds", nanos / 1e9);
    figures.put("examinedPerSec", report.recordsExamined() / (nanos / 1e9));
    figures.put("recordsExamined", report.recordsExamined());
    figures.put("recordsRemoved", report.recordsRemoved());
    figures.put("bytesRemoved", report.bytesRemoved());
    figures.put("pagesFreed", report.pagesFreed());
    figures.put(
        "writerCpuNsPerExamined", writerCpu / (double) Math.max(1, report.recordsExamined()));
    return figures;
  }

  /** After a full compaction the partition holds one record per key it was sent. */
  static void requireOnePerKey(PartitionDescription partition, long distinctKeys) {
    if (partition.recordCount() != distinctKeys) {
      throw new IllegalStateException(
          "after compact() the partition holds "
              + partition.recordCount()
              + " records, but "
              + distinctKeys
              + " distinct keys were sent: "
              + partition);
    }
  }
}
