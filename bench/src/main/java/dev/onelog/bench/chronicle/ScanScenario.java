package dev.onelog.bench.chronicle;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.nio.file.Path;
import java.util.Map;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Writes the records with one appender (not timed), closes the queue, then reads them all from the
 * start with a tailer of a queue opened afresh, as onelog's scan reopens its file: every record
 * decoded into arrays of its own ({@link BenchQueue#read}).
 */
final class ScanScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    try (SingleChronicleQueue queue = BenchQueue.open(workDir, SyncMode.NONE);
        ExcerptAppender appender = queue.createAppender()) {
      for (long i = 0; i < options.records(); i++) {
        BenchQueue.write(appender, data, i, System.currentTimeMillis());
      }
    }
    try (SingleChronicleQueue queue = BenchQueue.open(workDir, SyncMode.NONE);
        ExcerptTailer tailer = queue.createTailer().toStart()) {
      long start = System.nanoTime();
      long read = 0;
      long bytesRead = 0;
      for (BenchQueue.Record record; (record = BenchQueue.read(tailer)) != null; ) {
        bytesRead += record.value().length;
        read++;
      }
      long nanos = System.nanoTime() - start;
      if (read != options.records()) {
        throw new IllegalStateException(
            "the tailer read " + read + " records; " + options.records() + " were written");
      }
      return Map.of("recordsPerSec", read / (nanos / 1e9), "bytesRead", bytesRead);
    }
  }
}
