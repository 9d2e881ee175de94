package dev.onelog.bench.groups;

import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.RecordData;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread that {@code send}s {@code ratePerSec} records a second on a fixed schedule, to the
 * partitions of one topic in turn, until stopped: the traffic a group's members consume. A failed
 * send (a busy timeout, say) fails {@link #stop}.
 *
 * <p>{@code stop} is volatile; the counters are atomic, updated by the send futures.
 */
final class PacedProducer implements AutoCloseable {
  private final OneLog log;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "paced-producer"));
  private final AtomicLong sent = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stop;
  private Future<?> loop;

  private PacedProducer(OneLog log) {
    this.log = log;
  }

  static PacedProducer start(
      OneLog log, String topic, int partitions, int ratePerSec, BenchOptions options) {
    PacedProducer producer = new PacedProducer(log);
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    long intervalNanos = 1_000_000_000L / ratePerSec;
    producer.loop =
        producer.thread.submit(
            () -> {
              long start = System.nanoTime();
              for (long i = 0; !producer.stop; i++) {
                LatencyRecorder.sleepUntil(start + i * intervalNanos);
                ProducerRecord record =
                    ProducerRecord.of(topic, data.key(i), data.value(i))
                        .withPartition((int) (i % partitions));
                log.send(record)
                    .whenComplete(
                        (metadata, e) -> {
                          if (e != null) {
                            producer.failure.compareAndSet(null, e);
                          } else {
                            producer.sent.incrementAndGet();
                          }
                        });
              }
              return null;
            });
    return producer;
  }

  /**
   * Stops sending and returns the number of records committed.
   *
   * @throws IllegalStateException when a send failed
   */
  long stop() throws Exception {
    stop = true;
    loop.get();
    thread.shutdown();
    log.flush();
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("the producer's send failed: " + failed, failed);
    }
    return sent.get();
  }

  @Override
  public void close() {
    stop = true;
    thread.shutdownNow();
  }
}
