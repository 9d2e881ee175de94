package dev.onelog.bench.onelog;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.Scenario;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The disk's fsync rate: write 4 KiB and sync it, over and over for two seconds each, on a scratch
 * file (never the log's: see docs/CONCURRENCY.md rule 5), rewriting the same 1 MiB as SQLite's WAL
 * does once it wraps. {@code fsyncsPerSec} uses {@code fsync} ({@code force(true)}), the call
 * SQLite makes at each commit in FSYNC mode (the sqlite-jdbc build has no fdatasync); {@code
 * fdatasyncsPerSec} uses {@code fdatasync}, which skips the file's times and is the fastest sync
 * the disk offers. {@code appendFsyncsPerSec} appends each block instead, so every sync also
 * commits the file's new size, as a log that grows a file on every durable append pays (Kafka with
 * {@code flush.messages=1}). A synchronous caller waits for at least one of SQLite's syncs per
 * commit; the targets compare it with {@code fsyncsPerSec}, the strictest.
 *
 * <p>Each call's time is recorded too: {@code fsyncP50Ms} and {@code fsyncP99Ms} back to back, and
 * {@code pacedFsyncP50Ms} and {@code pacedFsyncP99Ms} for one call each 500 us (parked between, as
 * a writer waits for its next commit), the disk's own floor under a commit's latency: a durable
 * append's p99 cannot be below its fsync's.
 */
final class FsyncRateScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    Histogram calls = new Histogram(60_000_000_000L, 3);
    figures.put("fsyncsPerSec", rate(workDir.resolve("fsync.bin"), true, false, 0, calls));
    figures.put("fsyncP50Ms", calls.getValueAtPercentile(50) / 1e6);
    figures.put("fsyncP99Ms", calls.getValueAtPercentile(99) / 1e6);
    Histogram paced = new Histogram(60_000_000_000L, 3);
    rate(workDir.resolve("paced.bin"), true, false, PACED_PERIOD_NANOS, paced);
    figures.put("pacedFsyncP50Ms", paced.getValueAtPercentile(50) / 1e6);
    figures.put("pacedFsyncP99Ms", paced.getValueAtPercentile(99) / 1e6);
    figures.put(
        "fdatasyncsPerSec",
        rate(workDir.resolve("fdatasync.bin"), false, false, 0, new Histogram(3)));
    figures.put(
        "appendFsyncsPerSec", rate(workDir.resolve("append.bin"), true, true, 0, new Histogram(3)));
    return figures;
  }

  /** One sync each 500 us in the paced run. */
  private static final long PACED_PERIOD_NANOS = 500_000;

  /**
   * Writes and syncs for two seconds, one call each {@code periodNanos} (0: back to back), each
   * call's time recorded into {@code calls}; the calls per second.
   */
  private static double rate(
      Path file, boolean metadata, boolean append, long periodNanos, Histogram calls)
      throws java.io.IOException {
    ByteBuffer block = ByteBuffer.allocate(4096);
    long count = 0;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      long end = start + 2_000_000_000L;
      long now = start;
      while (now < end) {
        if (periodNanos > 0) {
          LatencyRecorder.sleepUntil(start + count * periodNanos);
        }
        long before = System.nanoTime();
        block.clear();
        block.putLong(0, count);
        channel.write(block, (append ? count : count % 256) * 4096);
        channel.force(metadata);
        now = System.nanoTime();
        calls.recordValue(now - before);
        count++;
      }
      return BenchLog.perSecond(count, now - start);
    }
  }
}
