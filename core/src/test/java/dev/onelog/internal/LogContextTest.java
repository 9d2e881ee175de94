package dev.onelog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Durability;
import dev.onelog.LogClosedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The close order. Before the fix, a consumer whose close threw left the writer thread and its
 * connection open and the WAL unchecked, and a second close returned at once.
 */
class LogContextTest {
  @TempDir Path dir;

  @Test
  void closeRunsEveryStageWhenAnAttachedConsumerThrowsAndThrowsTheFirstFailure() {
    Path file = dir.resolve("c.db");
    LogContext context = LogContext.open(options(file));
    IllegalStateException first = new IllegalStateException("first consumer failed to close");
    IllegalStateException second = new IllegalStateException("second consumer failed to close");
    context.attach(
        () -> {
          throw first;
        });
    context.attach(
        () -> {
          throw second;
        });
    RuntimeException thrown = assertThrows(RuntimeException.class, context::close);
    assertTrue(thrown == first || thrown == second, thrown.toString());
    assertEquals(1, thrown.getSuppressed().length);
    assertFalse(Files.exists(Path.of(file + "-wal")), "the writer closed and checkpointed");
    assertThrows(LogClosedException.class, context::writer);
    context.close(); // the second close returns, the first one having finished
  }

  @Test
  void anIdleLogsCleanerDoesNotWakeItsPollers() throws Exception {
    LogContext context = LogContext.open(options(dir.resolve("idle.db")));
    try {
      Thread.sleep(200); // the first slice, right after the open
      long before = context.signal().version();
      Thread.sleep(2_500); // the cleaner looks twice, finding nothing to do
      assertEquals(before, context.signal().version(), "commits signalled while idle");
    } finally {
      context.close();
    }
  }

  private static LogOptions options(Path file) {
    return new LogOptions(
        file,
        Durability.FSYNC,
        1 << 20,
        Duration.ofSeconds(5),
        Clock.systemUTC(),
        0,
        8 << 20,
        false);
  }
}
