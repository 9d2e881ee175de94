package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real full disk: the log lives on an 8 MiB tmpfs mounted for the test (root only; skipped with
 * the reason elsewhere), next to a filler file that takes most of the space. Appends fail with
 * {@link DiskFullException} and acknowledge nothing they did not commit; once the filler is
 * deleted, appends work again without reopening the log.
 */
class RealDiskFullIT {
  private Path mountPoint;
  private boolean mounted;

  @BeforeEach
  void mountTmpfs() throws Exception {
    mountPoint = Files.createTempDirectory("onelog-full");
    mounted = run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint.toString()) == 0;
    Assumptions.assumeTrue(
        mounted,
        "cannot mount a tmpfs here (needs root): the simulated full disk of"
            + " WriteFailuresTest still runs");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      run("umount", mountPoint.toString());
    }
    Files.deleteIfExists(mountPoint);
  }

  @Test
  void appendsFailCleanlyOnAFullDiskAndResumeWhenSpaceIsFreed() throws Exception {
    Path filler = mountPoint.resolve("filler.bin");
    Files.write(filler, new byte[5 << 20]); // not the log's file: plain I/O is safe here
    Path file = mountPoint.resolve("log.db");
    TopicPartition t0 = TopicPartition.of("t", 0);
    long acknowledged;
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
      DiskFullException full = null;
      for (int i = 0; i < 5_000 && full == null; i++) {
        futures.add(log.send(ProducerRecord.of("t", null, new byte[2000])));
        if (i % 20 == 19) {
          full = failure(futures.get(futures.size() - 1));
        }
      }
      assertTrue(full != null, "the 8 MiB disk never filled");
      assertTrue(full.getMessage().startsWith("disk full while appending"), full.getMessage());
      acknowledged = futures.stream().filter(f -> !f.isCompletedExceptionally()).count();
      assertEquals(acknowledged, log.nextOffset(t0), "exactly the acknowledged records are stored");

      // While the disk is full: a write fails fast with the typed error (the rollback may free a
      // little room, so a few small writes may still fit first), and reads keep working.
      long failMillis = -1;
      for (int i = 0; i < 1000 && failMillis < 0; i++) {
        long failStart = System.nanoTime();
        try {
          log.append(ProducerRecord.of("t", null, new byte[2000]));
          acknowledged++;
        } catch (DiskFullException again) {
          failMillis = (System.nanoTime() - failStart) / 1_000_000;
          assertTrue(
              again.getMessage().startsWith("disk full while appending"), again.getMessage());
        }
      }
      assertTrue(failMillis >= 0, "1,000 writes on the full disk all succeeded");
      assertTrue(failMillis < 1000, "a write on a full disk took " + failMillis + " ms to fail");
      assertEquals(acknowledged, log.nextOffset(t0), "exactly the acknowledged records are stored");
      long read = 0;
      for (long next = 0; next < acknowledged; ) {
        List<LogRecord> page = log.read(t0, next, ReadLimit.records(1000));
        for (LogRecord record : page) {
          assertEquals(next++, record.offset());
          assertEquals(2000, record.value().length);
          read++;
        }
      }
      assertEquals(
          acknowledged, read, "every acknowledged record reads back while the disk is full");
      System.out.printf(
          "full disk: DiskFullException after %d acknowledged appends; a write while full failed in"
              + " %d ms; %d records read while full%n",
          acknowledged, failMillis, read);

      Files.delete(filler);
      RecordMetadata after = log.append(ProducerRecord.of("t", null, "after".getBytes()));
      assertEquals(acknowledged, after.offset());
    }
    try (OneLog reopened = OneLog.open(file)) {
      assertEquals(acknowledged + 1, reopened.nextOffset(t0));
      assertTrue(reopened.verify().ok(), reopened.verify().toString());
    }
    LogInvariants.check(file);
    System.out.println("writes resumed once space was freed, 0 lost; 1 passed, 0 failed");
  }

  private static DiskFullException failure(CompletableFuture<RecordMetadata> future) {
    try {
      future.join();
      return null;
    } catch (CompletionException e) {
      if (e.getCause() instanceof DiskFullException full) {
        return full;
      }
      throw new AssertionError("expected DiskFullException, got " + e.getCause(), e.getCause());
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }
}
