package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * the poll alone is that slow. Functional bounds, not a performance test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WakeUpIT {
  private static final long FALLBACK_POLL_MS = 2_000;
  private static final long WOKEN_WITHIN_MS = 200;
  private static final int RECORDS = 10;
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
    List<Long> latenciesMs = sendAndTime(List.of());
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
  }

  @Test
  void withoutTheWakeFileOnlyTheSlowPollWakesTheConsumer() throws Exception {
    Path otherTmp = Files.createDirectories(dir.resolve("other-tmp"));
    List<Long> latenciesMs = sendAndTime(List.of("-Djava.io.tmpdir=" + otherTmp));
    long fastest = latenciesMs.stream().mapToLong(Long::longValue).min().orElseThrow();
    assertTrue(
        fastest > FALLBACK_POLL_MS / 2,
        "with another tmpdir the wake file is not seen, so only the "
            + FALLBACK_POLL_MS
            + " ms poll finds records; took "
            + latenciesMs);
  }

  /**
   * Starts the child consumer, sends a first record that the child's poll finds (and so starts
   * watching), then {@value #RECORDS} records one at a time, each after the child printed the one
   * before; returns how long each took from its send here to the child's line, in ms.
   */
  private List<Long> sendAndTime(List<String> childJvmOptions) throws Exception {
    file = dir.resolve("wake.db");
    List<Long> latenciesMs = new ArrayList<>();
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("events"));
      List<String> options = new ArrayList<>(childJvmOptions);
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

      log.send(ProducerRecord.of("events", "k", "first")).join();
      child.awaitLine("GOT first", CHILD_DEADLINE);
      // The writer looks for watchers at most every 100 ms: let it see the child's lock.
      Thread.sleep(250);

      for (int i = 0; i < RECORDS; i++) {
        String value = "r" + i;
        long sentNanos = System.nanoTime();
        log.send(ProducerRecord.of("events", "k", value)).join();
        ChildJvm.Line got = child.awaitLine("GOT " + value, CHILD_DEADLINE);
        latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(got.arrivedNanos() - sentNanos));
      }
      log.send(ProducerRecord.of("events", "k", "end")).join();
      child.awaitSuccess(CHILD_DEADLINE);
    }
    return latenciesMs;
  }
}
