package dev.onelog.bench.cleanup;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.PartitionDescription;
import dev.onelog.ProducerRecord;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opening the cleanup scenarios' log and filling a topic before a measurement: records sent in
 * atomic batches of {@link #BATCH_RECORDS} without waiting for each (the write queue's budget paces
 * them), progress printed to standard error every tenth.
 */
final class CleanupLog {
  static final int BATCH_RECORDS = 10_000;

  private CleanupLog() {}

  static Path file(Path workDir) {
    return workDir.resolve("bench.db");
  }

  static OneLog open(BenchOptions options, Path workDir) {
    return OneLog.builder(file(workDir))
        .durability(Durability.valueOf(options.durability()))
        .open();
  }

  /** Partition 0 of the topic, as the file holds it now. */
  static PartitionDescription partition(OneLog log, String topic) {
    return log.describeTopic(topic).partitions().get(0);
  }

  /**
   * Sends records {@code 0 .. count-1} to partition 0 of the topic, key {@code keys.keyOfRecord(i)}
   * and value {@code data.value(i)}, and waits until they are committed. Returns the nanoseconds it
   * took.
   *
   * @throws IllegalStateException when a batch failed
   */
  static long fill(OneLog log, String topic, KeySpace keys, RecordData data, long count) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long tenth = Math.max(1, count / 10);
    for (long first = 0; first < count; first += BATCH_RECORDS) {
      long end = Math.min(count, first + BATCH_RECORDS);
      List<ProducerRecord> batch = new ArrayList<>((int) (end - first));
      for (long i = first; i < end; i++) {
        batch.add(ProducerRecord.of(topic, keys.keyOfRecord(i), data.value(i)).withPartition(0));
      }
      log.send(batch)
          .whenComplete(
              (metadata, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
              });
      if (end / tenth != first / tenth || end == count) {
        System.err.printf(
            Locale.ROOT,
            "    %s: %,d of %,d records sent, %.1f s%n",
            topic,
            end,
            count,
            (System.nanoTime() - start) / 1e9);
      }
    }
    log.flush();
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("filling topic " + topic + " failed: " + failed, failed);
    }
    return System.nanoTime() - start;
  }
}
