package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup to a disk that fills up: an 8 MiB tmpfs mounted for the test (root only; skipped with
 * the reason elsewhere), too small for the log. The backup fails with {@link DiskFullException}
 * naming the destination, and leaves nothing on that disk: neither the destination nor the
 * temporary file nor its journal.
 */
class BackupDiskFullIT {
  @TempDir Path dir;
  private Path mountPoint;
  private boolean mounted;

  @BeforeEach
  void mountTmpfs() throws Exception {
    mountPoint = Files.createTempDirectory("onelog-backup-full");
    mounted = run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint.toString()) == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root)");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      run("umount", mountPoint.toString());
    }
    Files.deleteIfExists(mountPoint);
  }

  @Test
  void aBackupToAFullDiskFailsAndLeavesNothingThere() throws Exception {
    Path copy = mountPoint.resolve("copy.db");
    try (OneLog log = OneLog.builder(dir.resolve("log.db")).durability(Durability.NORMAL).open()) {
      log.createTopic(TopicSpec.named("t"));
      for (int i = 0; i < 12_000; i++) { // about 12 MB
        log.send(ProducerRecord.of("t", new byte[1000]));
      }
      log.flush();

      DiskFullException e = assertThrows(DiskFullException.class, () -> log.backup(copy));

      assertTrue(e.getMessage().startsWith("disk full while copying "), e.getMessage());
      assertTrue(e.getMessage().contains(" in " + copy + " "), e.getMessage());
      BackupTest.awaitBackupThreadsGone();
      assertEquals(List.of(), BackupTest.names(mountPoint));
      assertEquals(12_000, log.nextOffset(TopicPartition.of("t", 0)));
      log.append(ProducerRecord.of("t", "after".getBytes()));
    }
    LogInvariants.check(dir.resolve("log.db"));
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }
}
