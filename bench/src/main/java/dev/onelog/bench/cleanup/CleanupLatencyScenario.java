package dev.onelog.bench.cleanup;

import dev.onelog.CleanupPolicy;
import dev.onelog.CleanupReport;
import dev.onelog.OneLog;
import dev.onelog.PartitionDescription;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Send-to-ack latency of paced appends while retention and compaction keep working, or, with {@code
 * extra cleanup=false}, the same load on plain topics. Two topics of one partition each:
 *
 * <ul>
 *   <li>{@code kv}, the measured one: {@code latencyRatePerSec} records a second for {@code
 *       latencySeconds} (the first 2 s warm-up), keys drawn from {@code extra keys} (default
 *       100,000). First filled with {@code extra prefill} records (default 500,000) of the same
 *       keys and, with cleanup, compacted once, so that its clean section holds every key and each
 *       new record supersedes one there. With cleanup it compacts with a dirty ratio of {@code
 *       extra dirtyRatio} (default 0.05): a pass every few thousand records.
 *   <li>{@code events}: {@code extra eventsRate} records a second (default 1,000) alongside, first
 *       filled with 50,000; with cleanup it keeps {@code extra retentionBytes} (default 2 MiB), so
 *       retention deletes its oldest batches all along.
 * </ul>
 *
 * Both topics get the same records in either mode. What cleanup did in the measured window comes
 * from the file: each partition's counters before and after it (records removed = stored before +
 * appended - stored after; the cleaner point's advance), and what a final {@code compact()} still
 * found to do. {@code bytesWrittenPerRecord} is what the process wrote in the window (WAL frames,
 * checkpoints: {@link ProcessIo}) per record appended to either topic.
 */
final class CleanupLatencyScenario implements Scenario {
  static final String MEASURED = "kv";
  static final String EVENTS = "events";
  static final int WARMUP_SECONDS = 2;
  static final int EVENTS_PREFILL = 50_000;

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    boolean cleanup = Boolean.parseBoolean(options.extra("cleanup", "true"));
    KeySpace keys =
        new KeySpace(Long.parseLong(options.extra("keys", "100000")), options.keyBytes());
    KeySpace eventKeys = new KeySpace(1L << 30, options.keyBytes());
    long prefill = Long.parseLong(options.extra("prefill", "500000"));
    int eventsRate = Integer.parseInt(options.extra("eventsRate", "1000"));
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    TopicSpec measured = TopicSpec.named(MEASURED);
    TopicSpec events = TopicSpec.named(EVENTS);
    if (cleanup) {
      measured =
          measured
              .withCleanupPolicy(CleanupPolicy.COMPACT)
              .withMinCleanableDirtyRatio(Double.parseDouble(options.extra("dirtyRatio", "0.05")));
      events =
          events.withRetentionBytes(Long.parseLong(options.extra("retentionBytes", "2097152")));
    }
    try (OneLog log = CleanupLog.open(options, workDir)) {
      log.createTopic(measured);
      log.createTopic(events);
      CleanupLog.fill(log, MEASURED, keys, data, prefill);
      CleanupLog.fill(log, EVENTS, eventKeys, data, EVENTS_PREFILL);
      CleanupReport before = log.compact();
      System.err.printf(Locale.ROOT, "    before the run, compact(): %s%n", before);

      int rate = options.latencyRatePerSec();
      long start = System.nanoTime() + 100_000_000L;
      long measureFrom = start + WARMUP_SECONDS * 1_000_000_000L;
      AckLatencyProducer kv =
          AckLatencyProducer.start(
              "kv-producer",
              log,
              i -> ProducerRecord.of(MEASURED, keys.keyOfRecord(prefill + i), data.value(i)),
              rate,
              (long) rate * options.latencySeconds(),
              start,
              measureFrom);
      AckLatencyProducer ev =
          AckLatencyProducer.start(
              "events-producer",
              log,
              i -> ProducerRecord.of(EVENTS, eventKeys.keyOfRecord(i), data.value(i)),
              eventsRate,
              (long) eventsRate * options.latencySeconds(),
              start,
              measureFrom);
      LatencyRecorder.sleepUntil(measureFrom);
      PartitionDescription kvBefore = CleanupLog.partition(log, MEASURED);
      PartitionDescription evBefore = CleanupLog.partition(log, EVENTS);
      long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
      long writtenBefore = ProcessIo.writtenBytes();
      long windowStart = System.nanoTime();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("cleanup", cleanup ? "on" : "off");
      figures.putAll(kv.finish("kv"));
      figures.putAll(ev.finish("events"));
      double windowNanos = System.nanoTime() - windowStart;
      figures.put(
          "writerCpuPct",
          100 * (CpuTime.threadsNanos("onelog-writer") - writerCpuBefore) / windowNanos);
      PartitionDescription kvAfter = CleanupLog.partition(log, MEASURED);
      PartitionDescription evAfter = CleanupLog.partition(log, EVENTS);
      long appended =
          kvAfter.nextOffset()
              - kvBefore.nextOffset()
              + evAfter.nextOffset()
              - evBefore.nextOffset();
      figures.put(
          "bytesWrittenPerRecord", (ProcessIo.writtenBytes() - writtenBefore) / (double) appended);
      figures.put("kvRecordsRemoved", removed(kvBefore, kvAfter));
      figures.put("kvCleanerAdvance", kvAfter.cleanerOffset() - kvBefore.cleanerOffset());
      figures.put("kvDirtyShareBefore", kvBefore.dirtyShare());
      figures.put("kvDirtyShareAfter", kvAfter.dirtyShare());
      figures.put("eventsRecordsRemoved", removed(evBefore, evAfter));
      figures.put("eventsEarliestAdvance", evAfter.earliestOffset() - evBefore.earliestOffset());
      CleanupReport after = log.compact();
      figures.put("finalCompactExamined", after.recordsExamined());
      figures.put("finalCompactRemoved", after.recordsRemoved());
      figures.put("fileMiB", log.fileSizeBytes() / (1024.0 * 1024.0));
      System.err.printf(
          Locale.ROOT,
          "    cleanup %s, in the window: kv %s -> %s; events %s -> %s; then compact(): %s%n",
          cleanup ? "on" : "off",
          kvBefore,
          kvAfter,
          evBefore,
          evAfter,
          after);
      return figures;
    }
  }

  /** Records removed between two descriptions of a partition: stored + appended - stored. */
  private static long removed(PartitionDescription before, PartitionDescription after) {
    return before.recordCount() + (after.nextOffset() - before.nextOffset()) - after.recordCount();
  }
}
