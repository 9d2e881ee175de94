package dev.onelog.bench.onelog;

import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.Scenario;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The disk's fsync rate: write 4 KiB and {@code force} it, over and over for two seconds, on a
 * scratch file (never the log's: see docs/CONCURRENCY.md rule 5). A single synchronous caller
 * in FSYNC mode cannot beat this, since each of its commits waits for at least one fsync.
 */
final class FsyncRateScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    ByteBuffer block = ByteBuffer.allocate(4096);
    long count = 0;
    try (FileChannel channel = FileChannel.open(workDir.resolve("fsync.bin"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      long end = start + 2_000_000_000L;
      while (System.nanoTime() < end) {
        block.clear();
        channel.write(block, (count % 256) * 4096);
        channel.force(false);
        count++;
      }
      return Map.of("fsyncsPerSec", BenchLog.perSecond(count, System.nanoTime() - start));
    }
  }
}
