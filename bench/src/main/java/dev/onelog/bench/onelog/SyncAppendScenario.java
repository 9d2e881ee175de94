package dev.onelog.bench.onelog;

import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code options.producers()} callers each {@code append} one record at a time, waiting for its
 * commit before the next, for {@code extra seconds} (default 5) after a one-second warm-up: every
 * caller waits for its own durable commit, and group commit lets them share fsyncs.
 */
final class SyncAppendScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    double seconds = Double.parseDouble(options.extra("seconds", "5"));
    try (OneLog log = BenchLog.openWithTopic(options, workDir)) {
      AtomicLong counted = new AtomicLong();
      long warmupEnd = System.nanoTime() + 1_000_000_000L;
      long end = warmupEnd + (long) (seconds * 1e9);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < options.producers(); t++) {
        long first = t;
        Thread thread =
            new Thread(
                () -> {
                  long i = first;
                  long now;
                  while ((now = System.nanoTime()) < end) {
                    log.append(BenchLog.record(data, i++));
                    if (now >= warmupEnd) {
                      counted.incrementAndGet();
                    }
                  }
                },
                "caller-" + t);
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      return Map.of("recordsPerSec", counted.get() / seconds, "callers", options.producers());
    }
  }
}
