package dev.onelog.bench.cleanup;

import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.bench.LatencyRecorder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * A thread that {@code send}s {@code ratePerSec} records a second on a fixed schedule, {@code
 * count} records in all, and records each one's send-to-ack latency: the time its future completed
 * (the commit, with the log's durability) minus the time it was meant to be sent, so that a stalled
 * sender does not hide latency (coordinated omission). Records meant to be sent before {@code
 * measureFromNanos} are sent but not counted (warm-up).
 *
 * <p>The histogram is synchronized: futures complete on the writer thread, or on the sender's when
 * one completed before its callback was attached. {@code failure} is set once by the first failed
 * send.
 */
final class AckLatencyProducer {
  private final Histogram latencies = new SynchronizedHistogram(60_000_000_000L, 3);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final OneLog log;
  private final ExecutorService thread;
  private final Future<?> loop;

  private AckLatencyProducer(
      String name,
      OneLog log,
      LongFunction<ProducerRecord> record,
      int ratePerSec,
      long count,
      long startNanos,
      long measureFromNanos) {
    this.log = log;
    thread = Executors.newSingleThreadExecutor(r -> new Thread(r, name));
    long intervalNanos = 1_000_000_000L / ratePerSec;
    loop =
        thread.submit(
            () -> {
              for (long i = 0; i < count && failure.get() == null; i++) {
                long intended = startNanos + i * intervalNanos;
                LatencyRecorder.sleepUntil(intended);
                log.send(record.apply(i))
                    .whenComplete(
                        (metadata, e) -> {
                          if (e != null) {
                            failure.compareAndSet(null, e);
                          } else if (intended >= measureFromNanos) {
                            latencies.recordValue(Math.max(0, System.nanoTime() - intended));
                          }
                        });
              }
              return null;
            });
  }

  /** Starts sending at {@code startNanos} ({@link System#nanoTime()}'s clock). */
  static AckLatencyProducer start(
      String name,
      OneLog log,
      LongFunction<ProducerRecord> record,
      int ratePerSec,
      long count,
      long startNanos,
      long measureFromNanos) {
    return new AckLatencyProducer(
        name, log, record, ratePerSec, count, startNanos, measureFromNanos);
  }

  /**
   * Waits until every record was sent and committed, and returns p50, p99, p99.9 and max in ms with
   * the count, each name prefixed.
   *
   * @throws IllegalStateException when a send failed
   */
  Map<String, Object> finish(String prefix) throws Exception {
    loop.get();
    thread.shutdown();
    log.flush();
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException(prefix + " producer's send failed: " + failed, failed);
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put(prefix + "Count", latencies.getTotalCount());
    figures.put(prefix + "P50Ms", latencies.getValueAtPercentile(50) / 1e6);
    figures.put(prefix + "P99Ms", latencies.getValueAtPercentile(99) / 1e6);
    figures.put(prefix + "P999Ms", latencies.getValueAtPercentile(99.9) / 1e6);
    figures.put(prefix + "MaxMs", latencies.getMaxValue() / 1e6);
    return figures;
  }
}
