package dev.onelog.bench.onelog;

import dev.onelog.Consumer;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Writes the records (not timed), then reads the whole topic from offset 0 with a consumer, as a
 * replaying subscriber would: every record decoded and its CRC checked. Reports the consumer
 * thread's CPU per record beside the rate: a scan of 2M records lasts under half a second, and on a
 * shared machine its rate moved by 0.6x to 1.4x between runs of the same jar, its CPU by a few
 * percent (docs/BENCHMARKS.md, "Scan").
 */
final class ScanScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    try (OneLog log = BenchLog.openWithTopic(options, workDir)) {
      for (long i = 0; i < options.records(); i++) {
        log.send(BenchLog.record(data, i));
      }
      log.flush();
    }
    try (OneLog log = BenchLog.open(options, workDir);
        Consumer consumer =
            log.consumer(BenchLog.TOPIC).maxPollRecords(10_000).maxPollBytes(64L << 20)) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long startCpu = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      long read = 0;
      long checksum = 0;
      while (read < options.records()) {
        List<LogRecord> records = consumer.poll(Duration.ofSeconds(10));
        if (records.isEmpty()) {
          throw new IllegalStateException(
              "scan stalled after " + read + " of " + options.records() + " records");
        }
        for (LogRecord record : records) {
          checksum += record.value().length;
        }
        read += records.size();
      }
      long nanos = System.nanoTime() - start;
      long cpuNanos = threads.getCurrentThreadCpuTime() - startCpu;
      return Map.of(
          "recordsPerSec",
          BenchLog.perSecond(read, nanos),
          "consumerCpuNsPerRecord",
          (double) cpuNanos / read,
          "bytesRead",
          checksum);
    }
  }
}
