package dev.onelog.bench.onelog;

import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code options.producers()} threads each {@code send} their share of the records without waiting;
 * the clock stops when {@code flush} returns, i.e. when the last record is durable. Also reports
 * the largest size the {@code -wal} file reached.
 */
final class AsyncAppendScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    try (OneLog log = BenchLog.openWithTopic(options, workDir);
        WalWatcher wal = new WalWatcher(BenchLog.file(workDir))) {
      int producers = options.producers();
      long records = options.records();
      List<Thread> threads = new ArrayList<>();
      long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
      long processCpuBefore = CpuTime.processNanos();
      long start = System.nanoTime();
      for (int t = 0; t < producers; t++) {
        long first = t;
        Thread thread =
            new Thread(
                () -> {
                  for (long i = first; i < records; i += producers) {
                    log.send(BenchLog.record(data, i));
                  }
                },
                "producer-" + t);
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      log.flush();
      long nanos = System.nanoTime() - start;
      double writerCpuNs =
          (CpuTime.threadsNanos("onelog-writer") - writerCpuBefore) / (double) records;
      double processCpuNs = (CpuTime.processNanos() - processCpuBefore) / (double) records;
      return Map.of(
          "recordsPerSec",
          BenchLog.perSecond(records, nanos),
          "seconds",
          nanos / 1e9,
          "writerCpuNsPerRecord",
          writerCpuNs,
          "processCpuNsPerRecord",
          processCpuNs,
          "fileMiB",
          log.fileSizeBytes() / (1024.0 * 1024.0),
          "peakWalMiB",
          wal.peakMiB());
    }
  }
}
