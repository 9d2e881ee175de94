package dev.onelog.internal.wake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.write.CommitSignal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wake file's pieces in one JVM: where it lives, the writer's look for watchers and its writes
 * only while someone watches, the watcher waking the right log's signal, and the lock let go when
 * the last watching log closes. Across processes (a lock held by another JVM, a consumer woken
 * there): {@code WakeUpIT}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WakeUpTest {
  private static final long WAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long CHECK = WakeAnnouncer.CHECK_INTERVAL_NANOS;

  @TempDir Path dir;

  @Test
  void everyNameOfOneLogFindsOneWakeFileInTheUsersDirectory() throws IOException {
    Path log = Files.createFile(dir.resolve("a.db"));
    Path link = Files.createSymbolicLink(dir.resolve("link.db"), log);
    Path other = Files.createFile(dir.resolve("b.db"));
    Path tmp = dir.resolve("tmp");

    Path wake = WakeFiles.of(log, tmp, "ann/e").orElseThrow();

    assertEquals(tmp.resolve("onelog-wake-ann_e"), wake.getParent());
    assertEquals(2 * WakeFiles.HASH_BYTES, wake.getFileName().toString().length());
    assertEquals(wake, WakeFiles.of(link, tmp, "ann/e").orElseThrow());
    assertNotEquals(wake, WakeFiles.of(other, tmp, "ann/e").orElseThrow());
    assertFalse(Files.exists(wake.getParent()), "nothing is created before it is needed");
  }

  @Test
  void announcerWritesOnlyWhileSomeoneHoldsTheSharedLock() throws IOException {
    Path wake = dir.resolve("wake").resolve("log");
    AtomicLong nanos = new AtomicLong();
    try (WakeAnnouncer announcer = new WakeAnnouncer(wake, nanos::get)) {
      announcer.run();
      assertFalse(Files.exists(wake), "the writer never makes the file; a watcher does");

      Files.createDirectories(wake.getParent());
      Files.createFile(wake);
      nanos.addAndGet(CHECK);
      announcer.run(); // opens the file now and finds nobody watching
      assertEquals(0, announcer.announcements());
      assertEquals(0, Files.size(wake), "nothing written while nobody watches");

      try (FileChannel watcher = FileChannel.open(wake, StandardOpenOption.READ);
          FileLock shared = watcher.lock(0, Long.MAX_VALUE, true)) {
        assertTrue(shared.isShared());
        nanos.addAndGet(CHECK / 2);
        announcer.run();
        assertEquals(0, announcer.announcements(), "not looked again within the interval");

        nanos.addAndGet(CHECK / 2);
        announcer.run();
        announcer.run();
        assertEquals(2, announcer.announcements());
        assertEquals(2, readAnnouncements(wake), "the 8 bytes hold the count");
      }

      announcer.run(); // the watcher left, but the writer has not looked yet
      assertEquals(3, announcer.announcements());
      nanos.addAndGet(CHECK);
      announcer.run();
      announcer.run();
      assertEquals(3, announcer.announcements(), "nothing written once nobody watches");
    }
  }

  @Test
  void announcerFollowsAReplacedWakeFile() throws IOException {
    Path wake = dir.resolve("wake").resolve("log");
    AtomicLong nanos = new AtomicLong();
    Files.createDirectories(wake.getParent());
    Files.createFile(wake);
    try (WakeAnnouncer announcer = new WakeAnnouncer(wake, nanos::get)) {
      announcer.run();
      Files.delete(wake);
      Files.write(wake, new byte[8]);
      try (FileChannel watcher = FileChannel.open(wake, StandardOpenOption.READ);
          FileLock shared = watcher.lock(0, Long.MAX_VALUE, true)) {
        assertTrue(shared.isShared());
        nanos.addAndGet(CHECK);
        announcer.run();
        assertEquals(1, readAnnouncements(wake), "written to the new file");
      }
    }
  }

  @Test
  void watcherWakesOnlyTheLogWhoseWakeFileChanged() throws Exception {
    Path a = Files.createDirectories(dir.resolve("wake")).resolve("a");
    Path b = a.resolveSibling("b");
    Files.write(a, new byte[8]); // made beforehand: only the writes below make events
    Files.write(b, new byte[8]);
    CommitSignal signalA = new CommitSignal();
    CommitSignal signalB = new CommitSignal();
    try (WakeUp logA = WakeUp.open(Optional.of(a), signalA, false);
        WakeUp logB = WakeUp.open(Optional.of(b), signalB, false)) {
      logA.watchOthers();
      logB.watchOthers();
      assertTrue(logA.isWatching() && logB.isWatching());

      announce(a);
      assertTrue(signalA.awaitAfter(0, WAKE_TIMEOUT_NANOS), "a's consumers woken");
      assertEquals(1, signalA.othersCommits());

      announce(b); // after a's event: had b been woken for a, it would show now
      assertTrue(signalB.awaitAfter(0, WAKE_TIMEOUT_NANOS), "b's consumers woken");
      assertEquals(1, signalB.othersCommits(), "b woken for its own file only");
      assertEquals(1, signalA.othersCommits(), "a not woken for b's file");
    }
  }

  @Test
  void lastWatchingLogToCloseLetsGoOfTheLockAndStopsTheThread() throws Exception {
    Path wake = dir.resolve("wake").resolve("log");
    WakeUp first = WakeUp.open(Optional.of(wake), new CommitSignal(), false);
    WakeUp second = WakeUp.open(Optional.of(wake), new CommitSignal(), false);
    first.watchOthers();
    second.watchOthers();
    assertTrue(first.isWatching() && second.isWatching(), "two logs of one JVM share the lock");
    assertTrue(WakeWatcher.isRunning(wake.getParent()));

    first.close();
    assertTrue(WakeWatcher.isRunning(wake.getParent()), "still watched for the second log");
    assertTrue(someoneWatches(wake));

    second.close();
    assertFalse(WakeWatcher.isRunning(wake.getParent()));
    assertFalse(someoneWatches(wake), "the shared lock was let go");
  }

  @Test
  void commitOfOneLogWakesTheConsumersOfAnotherThatWatches() throws Exception {
    Path wake = dir.resolve("wake").resolve("log");
    CommitSignal writing = new CommitSignal();
    CommitSignal reading = new CommitSignal();
    try (WakeUp writer = WakeUp.open(Optional.of(wake), writing, true);
        WakeUp reader = WakeUp.open(Optional.of(wake), reading, false)) {
      writing.committed(); // nobody watches yet: no file, nothing written
      assertFalse(Files.exists(wake));
      assertFalse(writer.isWatching(), "a writer alone does not watch");
      reader.watchOthers();

      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(CHECK) + 20); // the writer looks again
      long seen = reading.version();
      writing.committed();

      assertTrue(reading.awaitAfter(seen, WAKE_TIMEOUT_NANOS), "the reader's consumers woken");
      assertEquals(1, readAnnouncements(wake));
      assertEquals(0, writing.othersCommits(), "the writer's own signal is not told twice");
    }
  }

  @Test
  void wakeDirectoryThatCannotBeMadeLeavesPollingAlone() throws IOException {
    Path notADirectory = Files.write(dir.resolve("taken"), new byte[1]);
    Path wake = notADirectory.resolve("log");
    CommitSignal signal = new CommitSignal();
    try (WakeUp log = WakeUp.open(Optional.of(wake), signal, true)) {
      log.watchOthers();
      signal.committed();
      assertFalse(log.isWatching());
    }
  }

  /** One positional write of 8 bytes, as a writer announces: one modification event. */
  private static void announce(Path wake) throws IOException {
    try (FileChannel channel = FileChannel.open(wake, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(Long.BYTES).putLong(0, 1), 0);
    }
  }

  private static long readAnnouncements(Path wake) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(wake)).getLong();
  }

  /** Tries the writer's exclusive lock from a fresh channel, as a writer of this JVM would. */
  private static boolean someoneWatches(Path wake) throws IOException {
    try (FileChannel channel = FileChannel.open(wake, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return true;
    }
  }
}
