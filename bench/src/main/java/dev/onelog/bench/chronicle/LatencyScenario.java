package dev.onelog.bench.chronicle;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.threads.Pauser;

/**
 * Append-to-read latency at a steady rate, as onelog's in-process latency scenario measures it: one
 * thread appends {@code latencyRatePerSec} records a second for {@code latencySeconds} (the first 2
 * s are warm-up, not counted), without sync, while a tailer on another thread of this JVM reads
 * them, idling between records with Chronicle's {@link Pauser#balanced()} (spin, then yield, then
 * sleep from 200 us up to 20 ms). The reader records now minus each record's intended append time
 * ({@link LatencyRecorder}).
 */
final class LatencyScenario implements Scenario {
  private static final int WARMUP_SECONDS = 2;

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    long expected = (long) options.latencyRatePerSec() * options.latencySeconds();
    long warmupRecords = (long) options.latencyRatePerSec() * WARMUP_SECONDS;
    RecordData data = new RecordData(options.keyBytes(), Math.max(8, options.valueBytes()));
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (SingleChronicleQueue queue = BenchQueue.open(workDir, SyncMode.NONE);
        ExcerptAppender appender = queue.createAppender()) {
      CountDownLatch tailing = new CountDownLatch(1);
      Future<Map<String, Object>> consumed =
          reader.submit(() -> consume(queue, tailing, expected, warmupRecords));
      if (!tailing.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the tailer did not start within 30 s");
      }
      long start = System.nanoTime() + 100_000_000L;
      long intervalNanos = 1_000_000_000L / options.latencyRatePerSec();
      for (long i = 0; i < expected; i++) {
        long intended = start + i * intervalNanos;
        LatencyRecorder.sleepUntil(intended);
        BenchQueue.write(
            appender,
            data.key(i),
            LatencyRecorder.stamp(data.value(i), intended),
            System.currentTimeMillis());
      }
      return consumed.get(60, TimeUnit.SECONDS);
    } finally {
      reader.shutdownNow();
    }
  }

  /**
   * Tails from the end until {@code expected} records came; records the latency of all but the
   * first {@code skip}. The tailer is created on the thread that uses it, as Chronicle requires.
   */
  private static Map<String, Object> consume(
      SingleChronicleQueue queue, CountDownLatch tailing, long expected, long skip) {
    LatencyRecorder recorder = new LatencyRecorder();
    Pauser pauser = Pauser.balanced();
    try (ExcerptTailer tailer = queue.createTailer().toEnd()) {
      tailing.countDown();
      long received = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (received < expected && System.nanoTime() < deadline) {
        BenchQueue.Record record = BenchQueue.read(tailer);
        if (record == null) {
          pauser.pause();
          continue;
        }
        long now = System.nanoTime();
        pauser.reset();
        if (received++ >= skip) {
          recorder.received(record.value(), now);
        }
      }
      if (received < expected) {
        throw new IllegalStateException(
            "the tailer read " + received + " of " + expected + " records in 5 minutes");
      }
    }
    return recorder.figures();
  }
}
