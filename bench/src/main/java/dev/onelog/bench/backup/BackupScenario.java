package dev.onelog.bench.backup;

import dev.onelog.BackupResult;
import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How fast {@code log.backup} copies a log of about {@code x.backupMiB} MiB (default 1 GiB),
 * against {@code cp} of the same file closed. In order, in one JVM, each copy deleted before the
 * next:
 *
 * <ol>
 *   <li>builds the file (not timed): 4,000-byte random values in NORMAL mode, then closes it, so
 *       that the WAL is checkpointed into the one file;
 *   <li>{@code cp} of the closed file, run as a process; then {@code cp} followed by {@code sync
 *       FILE}, since the backup's commit fsyncs its copy and {@code cp} alone does not;
 *   <li>{@code log.backup} with the log open and nobody writing;
 *   <li>a writer thread sending records of the workload's size as fast as the log takes them: its
 *       rate alone for 2 s, then {@code log.backup} while it goes on, with its rate meanwhile and
 *       the {@code -wal} file's size when the backup returns (the snapshot the backup holds keeps
 *       checkpoints from resetting the WAL until it ends).
 * </ol>
 *
 * Nothing is dropped from the page cache: the file was just written, so every copy reads it warm.
 * Rates are in MB/s of 10^6 bytes, the copy's size over the call's wall-clock time.
 */
final class BackupScenario implements Scenario {
  private static final int BUILD_VALUE_BYTES = 4000;
  private static final long WRITER_ALONE_MS = 2000;

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    long targetBytes = Long.parseLong(options.extra("backupMiB", "1024")) << 20;
    Path file = workDir.resolve("bench.db");
    long buildStarted = System.nanoTime();
    long fileBytes = build(file, targetBytes);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("fileMiB", fileBytes / (double) (1 << 20));
    figures.put("buildSeconds", (System.nanoTime() - buildStarted) / 1e9);

    Path copy = workDir.resolve("copy.db");
    double cp = mbPerSec(fileBytes, timed("cp", file.toString(), copy.toString()));
    Files.delete(copy);
    long cpSyncNanos = timed("cp", file.toString(), copy.toString());
    cpSyncNanos += timed("sync", copy.toString());
    double cpSync = mbPerSec(fileBytes, cpSyncNanos);
    Files.delete(copy);
    figures.put("cpMBPerSec", cp);
    figures.put("cpSyncMBPerSec", cpSync);

    try (OneLog log =
        OneLog.builder(file).durability(Durability.valueOf(options.durability())).open()) {
      BackupResult idle = log.backup(copy);
      Files.delete(copy);
      figures.put("backupMBPerSec", idle.bytesPerSecond() / 1e6);
      figures.put("backupSeconds", idle.elapsed().toNanos() / 1e9);
      withWriter(log, options, copy, figures);
      Files.delete(copy);
    }
    figures.put("backupToCp", (double) figures.get("backupMBPerSec") / cp);
    figures.put("backupToCpSync", (double) figures.get("backupMBPerSec") / cpSync);
    figures.put("backupWithWriterToCp", (double) figures.get("backupWithWriterMBPerSec") / cp);
    return figures;
  }

  /** Appends 4,000-byte values until the file holds {@code targetBytes}; returns its size. */
  private static long build(Path file, long targetBytes) {
    byte[][] values = new byte[64][BUILD_VALUE_BYTES];
    Random random = new Random(42);
    for (byte[] value : values) {
      random.nextBytes(value);
    }
    try (OneLog log = OneLog.builder(file).durability(Durability.NORMAL).open()) {
      log.createTopic(TopicSpec.named("bench"));
      for (long i = 0; log.fileSizeBytes() < targetBytes; ) {
        for (long end = i + 10_000; i < end; i++) {
          log.send(ProducerRecord.of("bench", values[(int) (i % values.length)]));
        }
        log.flush();
      }
    }
    try {
      return Files.size(file); // closed: stat only
    } catch (IOException e) {
      throw new IllegalStateException("cannot size " + file, e);
    }
  }

  /**
   * A writer sending as fast as the log takes records: its rate alone, then a backup while it goes
   * on, its rate meanwhile, and the WAL's size when the backup returns.
   */
  private static void withWriter(
      OneLog log, BenchOptions options, Path copy, Map<String, Object> figures) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    TopicPartition partition = TopicPartition.of("bench", 0);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<?> writer =
          executor.submit(
              () -> {
                for (long i = 0; !stop.get(); i++) {
                  log.send(ProducerRecord.of("bench", data.key(i), data.value(i)));
                }
                log.flush();
                return null;
              });
      Thread.sleep(500); // the writer's JIT and queue warm up
      long aloneFrom = log.nextOffset(partition);
      long aloneStarted = System.nanoTime();
      Thread.sleep(WRITER_ALONE_MS);
      long duringFrom = log.nextOffset(partition);
      long duringStarted = System.nanoTime();
      BackupResult busy = log.backup(copy);
      long duringTo = log.nextOffset(partition);
      long duringEnded = System.nanoTime();
      Path wal = log.path().resolveSibling(log.path().getFileName() + "-wal");
      long walBytes = Files.size(wal); // stat only, never opened
      stop.set(true);
      writer.get(60, TimeUnit.SECONDS);
      figures.put("backupWithWriterMBPerSec", busy.bytesPerSecond() / 1e6);
      figures.put("backupWithWriterSeconds", busy.elapsed().toNanos() / 1e9);
      figures.put(
          "writerAloneRecordsPerSec",
          (duringFrom - aloneFrom) / ((duringStarted - aloneStarted) / 1e9));
      figures.put(
          "writerDuringBackupRecordsPerSec",
          (duringTo - duringFrom) / ((duringEnded - duringStarted) / 1e9));
      figures.put("walMiBAfterBackup", walBytes / (double) (1 << 20));
    } finally {
      stop.set(true);
      executor.shutdownNow();
    }
  }

  /** Runs a command to its end and returns how long it took. */
  private static long timed(String... command) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
    return System.nanoTime() - started;
  }

  private static double mbPerSec(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }
}
