package dev.onelog.bench.chronicle;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.Map;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * One caller appends one record at a time and makes each durable before the next: the queue opened
 * with {@link SyncMode#SYNC} and {@link ExcerptAppender#sync()} after every record, an {@code
 * msync(MS_SYNC)} of the pages written since the last. Counted for {@code extra seconds} (default
 * 5) after a one-second warm-up, as onelog's single synchronous caller is.
 */
final class SyncAppendScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    double seconds = Double.parseDouble(options.extra("seconds", "5"));
    try (SingleChronicleQueue queue = BenchQueue.open(workDir, SyncMode.SYNC);
        ExcerptAppender appender = queue.createAppender()) {
      long counted = 0;
      long warmupEnd = System.nanoTime() + 1_000_000_000L;
      long end = warmupEnd + (long) (seconds * 1e9);
      long i = 0;
      long now;
      while ((now = System.nanoTime()) < end) {
        BenchQueue.write(appender, data, i++, System.currentTimeMillis());
        appender.sync();
        if (now >= warmupEnd) {
          counted++;
        }
      }
      return Map.of("recordsPerSec", counted / seconds, "callers", 1);
    }
  }
}
