package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (kill -9) at every step of a new file's first open, and power lost before the
 * WAL reached the disk: the next open takes the file as new and works, instead of refusing it as
 * "not a onelog file" or as read-only. Before the fix, a file left after the switch to WAL (16 KiB,
 * application_id 0, no tables) was refused by every later open.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FirstOpenCrashIT {
  @TempDir Path dir;

  @Test
  void aKillAtEveryStepOfTheFirstOpenLeavesAFileTheNextOpenTakes() throws Exception {
    int steps = FirstOpenSteps.steps().size();
    for (int stop = 0; stop <= steps; stop++) {
      Path file = dir.resolve("step-" + stop + ".db");
      killAt(List.of(file.toString(), Integer.toString(stop)));
      openAndUse(file, "killed after " + stop + " of " + steps + " steps");
    }
  }

  @Test
  void powerLostBeforeTheWalReachedTheDiskLeavesAFileTheNextOpenTakes() throws Exception {
    int steps = FirstOpenSteps.steps().size();
    for (int stop = FileFormat3.WAL_STEP; stop <= steps; stop++) {
      Path file = dir.resolve("lost-" + stop + ".db");
      killAt(List.of(file.toString(), Integer.toString(stop)));
      // NORMAL does not fsync the WAL before a checkpoint: on power loss it may be gone whole.
      Files.deleteIfExists(Path.of(file + "-wal"));
      Files.deleteIfExists(Path.of(file + "-shm"));
      openAndUse(file, "WAL lost after " + stop + " of " + steps + " steps");
    }
  }

  @Test
  void aHotRollbackJournalIsRecoveredAndTheEmptiedFileTakenAsNew() throws Exception {
    Path file = dir.resolve("hot.db");
    killAt(List.of("--hot-journal", file.toString()));
    assertTrue(Files.exists(Path.of(file + "-journal")), "the kill left a hot journal");
    openAndUse(file, "hot journal");
  }

  /** Where the switch to WAL commits: after the pragmas that precede it. */
  private static final class FileFormat3 {
    static final int WAL_STEP = dev.onelog.internal.storage.FileFormat.NEW_FILE_PRAGMAS.size();
  }

  private static void openAndUse(Path file, String state) {
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      assertEquals(0, log.append(ProducerRecord.of("t", null, "after " + state)).offset(), state);
    } catch (RuntimeException e) {
      throw new AssertionError(state + ": " + e, e);
    }
    LogInvariants.check(file);
  }

  private static void killAt(List<String> args) throws Exception {
    try (ChildJvm child = ChildJvm.start("first-open", FirstOpenSteps.class, args)) {
      child.await(line -> line.text().startsWith("AT "), Duration.ofSeconds(30), "AT <step>");
      child.kill();
    }
  }
}
