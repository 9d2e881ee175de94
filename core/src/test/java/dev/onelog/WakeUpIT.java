package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.wake.WakeFiles;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer in a child JVM ({@link ChildWakeConsumer}) woken by this JVM's commits through the
 * wake file. The child's {@code data_version} poll is slowed to {@value #FALLBACK_POLL_MS} ms
 * ({@code -Donelog.test.fallbackPollMs}), so a record that reaches it within {@value
 * #WOKEN_WITHIN_MS} ms was brought by the wake file, not by the poll; the second test runs the same
 * child with another {@code java.io.tmpdir}, where it cannot see this JVM's wake file, and shows
 * the poll alone is that slow. Functional bounds, not a performance test. This JVM's own commits
 * need no wake file: only the child's poll is slowed.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WakeUpIT {
  private static final long FALLBACK_POLL_MS = 2_000;
  private static final long WOKEN_WITHIN_MS = 200;
  private static final int RECORDS = 10;
  private static final int WARM_UP_RECORDS = 3;
  private static final Duration CHILD_DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Path file;
  private final List<ChildJvm> children = new ArrayList<>();

  @AfterEach
  void killChildrenAndCheckInvariants() {
    children.forEach(ChildJvm::close);
    if (file != null && Files.exists(file)) {
      LogInvariants.check(file);
    }
  }

  @Test
  void consumerInAnotherProcessIsWokenByEachCommitAtOnce() throws Exception {
    file = dir.resolve("wake.db");
    try (OneLog log = openWithTopic()) {
      ChildJvm child = startConsumer(List.of());
      Path wakeFile = WakeFiles.of(file).orElseThrow();
      // The child starts watching when a wait of its poll ends on another process's commit; a
      // record it fetched without waiting does not count, so send until it holds the lock.
      for (int i = 0; !someoneWatches(wakeFile); i++) {
        assertTrue(i < WARM_UP_RECORDS, "the child never watched " + wakeFile);
        sendAndAwait(log, child, "warm-" + i);
      }
      Thread.sleep(250); // the writer looks for watchers at most every 100 ms
      List<Long> latenciesMs = timeRecords(log, child);
      for (long latencyMs : latenciesMs) {
        assertTrue(
            latencyMs < WOKEN_WITHIN_MS,
            "each record reached the other process within "
                + WOKEN_WITHIN_MS
                + " ms (its poll waits "
                + FALLBACK_POLL_MS
                + " ms); took "
                + latenciesMs);
      }
      sendAndAwait(log, child, "end");
      child.awaitSuccess(CHILD_DEADLINE);
    }
  }

  @Test
  void withoutTheWakeFileOnlyTheSlowPollWakesTheConsumer() throws Exception {
    file = dir.resolve("wake.db");
    Path otherTmp = Files.createDirectories(dir.resolve("other-tmp"));
    try (OneLog log = openWithTopic()) {
      ChildJvm child = startConsumer(List.of("-Djava.io.tmpdir=" + otherTmp));
      for (int i = 0; i < WARM_UP_RECORDS; i++) {
        sendAndAwait(log, child, "warm-" + i); // as many as the other test may need
      }
      Thread.sleep(250);
      List<Long> latenciesMs = timeRecords(log, child);
      long fastest = latenciesMs.stream().mapToLong(Long::longValue).min().orElseThrow();
      assertTrue(
          fastest > FALLBACK_POLL_MS / 2,
          "with another tmpdir the wake file is not seen, so only the "
              + FALLBACK_POLL_MS
              + " ms poll finds records; took "
              + latenciesMs);
      sendAndAwait(log, child, "end");
      child.awaitSuccess(CHILD_DEADLINE);
    }
  }

  private OneLog openWithTopic() {
    OneLog log = OneLog.open(file);
    log.createTopic(TopicSpec.named("events"));
    return log;
  }

  private ChildJvm startConsumer(List<String> jvmOptions) throws Exception {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-Donelog.test.fallbackPollMs=" + FALLBACK_POLL_MS);
    ChildJvm child =
        ChildJvm.start(
            "consumer",
            options,
            ChildWakeConsumer.class,
            List.of(file.toString(), "events"),
            Map.of());
    children.add(child);
    child.awaitLine("READY", CHILD_DEADLINE);
    return child;
  }

  private static ChildJvm.Line sendAndAwait(OneLog log, ChildJvm child, String value)
      throws InterruptedException {
    log.send(ProducerRecord.of("events", "k", value)).join();
    return child.awaitLine("GOT " + value, CHILD_DEADLINE);
  }

  /**
   * Sends {@value #RECORDS} records one at a time, each after the child printed the one before;
   * returns how long each took from its send here to the child's line, in ms.
   */
  private static List<Long> timeRecords(OneLog log, ChildJvm child) throws InterruptedException {
    List<Long> latenciesMs = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      long sentNanos = System.nanoTime();
      ChildJvm.Line got = sendAndAwait(log, child, "r" + i);
      latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(got.arrivedNanos() - sentNanos));
    }
    return latenciesMs;
  }

  /** Whether a process holds the shared lock on the wake file, as the writer asks it. */
  private static boolean someoneWatches(Path wakeFile) throws Exception {
    if (!Files.exists(wakeFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(wakeFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    }
  }
}
