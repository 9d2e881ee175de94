package dev.onelog.bench.cleanup;

import dev.onelog.CleanupPolicy;
import dev.onelog.OneLog;
import dev.onelog.PartitionDescription;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The async workload ({@code onelog-async}: {@code options.producers()} threads each {@code send}
 * their share of {@code options.records()} without waiting, the clock stopped when {@code flush}
 * returns) on a topic whose policy is {@code extra policy} ({@code delete} or {@code compact}),
 * with keys drawn from {@code extra keys} distinct keys (default 1,000,000). On a compacted topic
 * the cleaner indexes keys and compacts by itself in slices between the same group commits (default
 * dirty ratio 0.5), as far as it gets while the producers run; then {@code compact()} catches up
 * with everything left (indexing every key, compacting every partition), timed, so that the rate
 * the cleaner could sustain is reported beside the append rate ({@code sustainedRecordsPerSec}: the
 * records over both times). Reports the rates, the writer thread's and the process's CPU per
 * record, and where compaction had got to when the last record was committed.
 */
final class CompactedAppendScenario implements Scenario {
  static final String TOPIC = "kv";

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    CleanupPolicy policy = CleanupPolicy.parse(options.extra("policy", "compact"));
    KeySpace keys =
        new KeySpace(Long.parseLong(options.extra("keys", "1000000")), options.keyBytes());
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    try (OneLog log = CleanupLog.open(options, workDir)) {
      log.createTopic(
          TopicSpec.named(TOPIC)
              .withPartitions(options.partitions())
              .withCleanupPolicy(policy)
              // lagSeconds keeps compaction out of the measured window: the append path alone
              .withMinCompactionLag(
                  java.time.Duration.ofSeconds(Long.parseLong(options.extra("lagSeconds", "0")))));
      int producers = options.producers();
      long records = options.records();
      ExecutorService threads = Executors.newFixedThreadPool(producers);
      long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
      long processCpuBefore = CpuTime.processNanos();
      long writtenBefore = ProcessIo.writtenBytes();
      long start = System.nanoTime();
      List<Future<?>> sending = new ArrayList<>();
      for (int t = 0; t < producers; t++) {
        long first = t;
        sending.add(
            threads.submit(
                () -> {
                  for (long i = first; i < records; i += producers) {
                    log.send(ProducerRecord.of(TOPIC, keys.keyOfRecord(i), data.value(i)));
                  }
                  return null;
                }));
      }
      for (Future<?> producer : sending) {
        producer.get();
      }
      log.flush();
      long nanos = System.nanoTime() - start;
      double writerCpuNs =
          (CpuTime.threadsNanos("onelog-writer") - writerCpuBefore) / (double) records;
      double processCpuNs = (CpuTime.processNanos() - processCpuBefore) / (double) records;
      double writtenPerRecord = (ProcessIo.writtenBytes() - writtenBefore) / (double) records;
      threads.shutdown();
      PartitionDescription atEnd =
          options.partitions() == 1 ? CleanupLog.partition(log, TOPIC) : null;
      long catchUpNanos = 0;
      if (policy != CleanupPolicy.DELETE) {
        long catchUpStart = System.nanoTime();
        log.compact();
        catchUpNanos = System.nanoTime() - catchUpStart;
      }
      double catchUpWriterCpuNs =
          (CpuTime.threadsNanos("onelog-writer") - writerCpuBefore) / (double) records
              - writerCpuNs;
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("policy", policy.configValue());
      figures.put("recordsPerSec", records / (nanos / 1e9));
      figures.put("seconds", nanos / 1e9);
      figures.put("writerCpuNsPerRecord", writerCpuNs);
      figures.put("processCpuNsPerRecord", processCpuNs);
      figures.put("bytesWrittenPerRecord", writtenPerRecord);
      if (policy != CleanupPolicy.DELETE) {
        figures.put("catchUpSeconds", catchUpNanos / 1e9);
        figures.put("catchUpWriterCpuNsPerRecord", catchUpWriterCpuNs);
        figures.put("sustainedRecordsPerSec", records / ((nanos + catchUpNanos) / 1e9));
      }
      figures.put("fileMiB", log.fileSizeBytes() / (1024.0 * 1024.0));
      if (atEnd != null) {
        PartitionDescription p = atEnd;
        figures.put("recordsStoredAtEnd", p.recordCount());
        if (policy != CleanupPolicy.DELETE) {
          figures.put("cleanerOffsetAtEnd", p.cleanerOffset());
          figures.put("dirtyShareAtEnd", p.dirtyShare());
        }
        System.err.printf(
            Locale.ROOT,
            "    %s: %,d records appended, %,d stored at the end, cleaner point %,d%n",
            policy.configValue(),
            records,
            p.recordCount(),
            p.cleanerOffset());
      }
      return figures;
    }
  }
}
