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
 * file (never the log's: see docs/CONCURRENCY.md rule 5), rewriting the same 1 MiB as SQLite's WAL
 * does once it wraps. {@code fsyncsPerSec} uses {@code fsync} ({@code force(true)}), the call
 * SQLite makes at each commit in FSYNC mode (the sqlite-jdbc build has no fdatasync); {@code
 * fdatasyncsPerSec} uses {@code fdatasync}, which skips the file's times and is the fastest sync
 * the disk offers. {@code appendFsyncsPerSec} appends each block instead, so every sync also
 * commits the file's new size, as a log that grows a file on every durable append pays (Kafka with
 * {@code flush.messages=1}). A synchronous caller waits for at least one of SQLite's syncs per
 * commit; the targets compare it with {@code fsyncsPerSec}, the strictest.
 */
final class FsyncRateScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    return Map.of(
        "fsyncsPerSec", rate(workDir.resolve("fsync.bin"), true, false),
        "fdatasyncsPerSec", rate(workDir.resolve("fdatasync.bin"), false, false),
        "appendFsyncsPerSec", rate(workDir.resolve("append.bin"), true, true));
  }

  private static double rate(Path file, boolean metadata, boolean append)
      throws java.io.IOException {
    ByteBuffer block = ByteBuffer.allocate(4096);
    long count = 0;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      long end = start + 2_000_000_000L;
      while (System.nanoTime() < end) {
        block.clear();
        block.putLong(0, count);
        channel.write(block, (append ? count : count % 256) * 4096);
        channel.force(metadata);
        count++;
      }
      return BenchLog.perSecond(count, System.nanoTime() - start);
    }
  }
}
