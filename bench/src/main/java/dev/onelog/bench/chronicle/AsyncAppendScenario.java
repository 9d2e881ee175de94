package dev.onelog.bench.chronicle;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * onelog's async workload against Chronicle Queue, without any sync: {@code options.producers()}
 * threads, each with an appender of its own on the one queue (Chronicle allows concurrent
 * appenders; its write lock serializes them), write their share of the records; the clock stops
 * when the last thread has written its last record, which is then in the page cache, not
 * necessarily on disk. Then the same number again in the same JVM and queue ({@code warm...}), as
 * onelog's scenario does.
 */
final class AsyncAppendScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    int producers = options.producers();
    long records = options.records();
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try (SingleChronicleQueue queue = BenchQueue.open(workDir, SyncMode.NONE)) {
      long nanos = pass(queue, pool, data, producers, 0, records);
      if (queue.lastIndex() < 0) {
        throw new IllegalStateException("the queue is empty after " + records + " appends");
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("recordsPerSec", records / (nanos / 1e9));
      figures.put("seconds", nanos / 1e9);
      figures.put("producers", producers);
      long warmNanos = pass(queue, pool, data, producers, records, records);
      figures.put("warmRecordsPerSec", records / (warmNanos / 1e9));
      figures.put("warmSeconds", warmNanos / 1e9);
      return figures;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Writes records {@code first .. first + records - 1} from {@code producers} threads; nanos. */
  private static long pass(
      SingleChronicleQueue queue,
      ExecutorService pool,
      RecordData data,
      int producers,
      long first,
      long records)
      throws Exception {
    List<Future<?>> writers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < producers; t++) {
      long own = first + t;
      writers.add(
          pool.submit(
              () -> {
                try (ExcerptAppender appender = queue.createAppender()) {
                  for (long i = own; i < first + records; i += producers) {
                    BenchQueue.write(appender, data, i, System.currentTimeMillis());
                  }
                }
              }));
    }
    for (Future<?> writer : writers) {
      writer.get();
    }
    return System.nanoTime() - start;
  }
}
