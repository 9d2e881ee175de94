package dev.onelog.bench.onelog;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.Scenario;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The disk's fsync rate: write 4 KiB and sync it, over and over for two seconds each, on a scratch
 * file (never the log's: see docs/CONCURRENCY.md rule 5). {@code fsyncsPerSec} uses {@code fsync}
 * ({@code force(true)}), the call SQLite makes at each commit in FSYNC mode (the sqlite-jdbc build
 * has no fdatasync); {@code fdatasyncsPerSec} uses {@code fdatasync}, which skips the file's times
 * and is the fastest sync the disk offers. A synchronous caller waits for at least one of SQLite's
 * syncs per commit.
 */
final class FsyncRateScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    return Map.of(
        "fsyncsPerSec", rate(workDir.resolve("fsync.bin"), true),
        "fdatasyncsPerSec", rate(workDir.resolve("fdatasync.bin"), false));
  }

  private static double rate(Path file, boolean metadata) throws java.io.IOException {
    ByteBuffer block = ByteBuffer.allocate(4096);
    long count = 0;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      long end = start + 2_000_000_000L;
      while (System.nanoTime() < end) {
        block.clear();
        block.putLong(0, count);
        channel.write(block, (count % 256) * 4096);
        channel.force(metadata);
        count++;
      }
      return BenchLog.perSecond(count, System.nanoTime() - start);
    }
  }
}
