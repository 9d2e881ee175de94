package dev.onelog.bench.cleanup;

import dev.onelog.CleanupPolicy;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * {@code log.latest(topic, key)} on a big compacted topic: {@code extra records} records (default
 * 10,000,000) over {@code extra keys} keys (default 1,000,000), one partition, sent in atomic
 * batches of 10,000 with background compaction held off, and closed; then lookups of random key
 * numbers (nearly all present) by one thread before compaction, {@code compact()} once (timed, as
 * {@code cleanup-compact}), and lookups by one and by two threads after it. With {@code extra
 * buildCache=<file>}, the closed file is copied there, and a later run that finds it copies it
 * instead of building it again (the build takes minutes; what is measured starts after it). Each
 * lookup phase is a second of warm-up and {@code extra lookupSeconds} (default 5) measured; each
 * lookup's wall time goes into a histogram. Every answer is checked: present exactly when the key
 * was sent, with that key.
 */
final class LatestLookupScenario implements Scenario {
  static final String TOPIC = "kv";

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    long records = Long.parseLong(options.extra("records", "10000000"));
    KeySpace keys =
        new KeySpace(Long.parseLong(options.extra("keys", "1000000")), options.keyBytes());
    double seconds = Double.parseDouble(options.extra("lookupSeconds", "5"));
    String cache = options.extra("buildCache", "");
    Map<String, Object> figures = new LinkedHashMap<>();
    if (!cache.isEmpty() && Files.exists(Path.of(cache))) {
      System.err.printf(Locale.ROOT, "    copying the %,d-record file built before%n", records);
      Files.copy(Path.of(cache), CleanupLog.file(workDir));
    } else {
      figures.putAll(build(options, workDir, keys, records));
      if (!cache.isEmpty()) {
        Files.copy(CleanupLog.file(workDir), Path.of(cache));
      }
    }
    BitSet used = keys.used(records);
    try (OneLog log = CleanupLog.open(options, workDir)) {
      figures.put("fileMiBBefore", log.fileSizeBytes() / (1024.0 * 1024.0));
      figures.putAll(lookups(log, keys, used, 1, seconds, "before1"));
      figures.putAll(CompactionRateScenario.compactTimed(log));
      figures.put("fileMiBAfter", log.fileSizeBytes() / (1024.0 * 1024.0));
      CompactionRateScenario.requireOnePerKey(CleanupLog.partition(log, TOPIC), used.cardinality());
      figures.putAll(lookups(log, keys, used, 1, seconds, "after1"));
      figures.putAll(lookups(log, keys, used, 2, seconds, "after2"));
      return figures;
    }
  }

  /** Fills the topic and closes the log (its WAL checkpointed into the file); returns the rate. */
  private static Map<String, Object> build(
      BenchOptions options, Path workDir, KeySpace keys, long records) {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    try (OneLog log = CleanupLog.open(options, workDir)) {
      log.createTopic(
          TopicSpec.named(TOPIC)
              .withCleanupPolicy(CleanupPolicy.COMPACT)
              .withMinCompactionLag(CompactionRateScenario.NO_BACKGROUND_COMPACTION));
      long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
      long fillNanos = CleanupLog.fill(log, TOPIC, keys, data, records);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("fillRecordsPerSec", records / (fillNanos / 1e9));
      figures.put(
          "fillWriterCpuNsPerRecord",
          (CpuTime.threadsNanos("onelog-writer") - writerCpuBefore) / (double) records);
      return figures;
    }
  }

  /** {@code threads} threads look up random keys; figures are prefixed with {@code name}. */
  private static Map<String, Object> lookups(
      OneLog log, KeySpace keys, BitSet seen, int threads, double seconds, String name)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long measureFrom = System.nanoTime() + 1_000_000_000L;
    long end = measureFrom + (long) (seconds * 1e9);
    List<Future<Histogram>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = new SplittableRandom(42 + t);
      running.add(pool.submit(() -> lookUp(log, keys, seen, random, measureFrom, end)));
    }
    Histogram all = new Histogram(60_000_000_000L, 3);
    for (Future<Histogram> thread : running) {
      all.add(thread.get());
    }
    pool.shutdown();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put(name + "LookupsPerSec", all.getTotalCount() / seconds);
    figures.put(name + "P50Us", all.getValueAtPercentile(50) / 1e3);
    figures.put(name + "P99Us", all.getValueAtPercentile(99) / 1e3);
    figures.put(name + "MaxUs", all.getMaxValue() / 1e3);
    System.err.printf(
        Locale.ROOT,
        "    %s: %,.0f lookups/s, p50 %.1f us, p99 %.1f us%n",
        name,
        all.getTotalCount() / seconds,
        all.getValueAtPercentile(50) / 1e3,
        all.getValueAtPercentile(99) / 1e3);
    return figures;
  }

  private static Histogram lookUp(
      OneLog log, KeySpace keys, BitSet seen, SplittableRandom random, long measureFrom, long end) {
    Histogram latencies = new Histogram(60_000_000_000L, 3);
    long now;
    while ((now = System.nanoTime()) < end) {
      long k = random.nextLong(keys.keys());
      byte[] key = keys.key(k);
      Optional<LogRecord> found = log.latest(TOPIC, key);
      long done = System.nanoTime();
      if (now >= measureFrom) {
        latencies.recordValue(done - now);
      }
      if (found.isPresent() != seen.get((int) k)
          || found.isPresent() && !Arrays.equals(found.get().key(), key)) {
        throw new IllegalStateException(
            "latest of key number "
                + k
                + " returned "
                + found
                + ", but that key was "
                + (seen.get((int) k) ? "" : "never ")
                + "sent");
      }
    }
    return latencies;
  }
}
