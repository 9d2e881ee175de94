package dev.onelog.internal.write;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Durability;
import dev.onelog.OneLogException;
import dev.onelog.internal.LogOptions;
import dev.onelog.internal.storage.FileOpener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An Error on the writer thread must fail every request, never leave one waiting forever. */
class WriterFailureTest {
  @TempDir Path dir;

  @Test
  void anErrorOnTheWriterFailsTheQueueAndEveryLaterRequest() throws Exception {
    LogOptions options =
        new LogOptions(
            dir.resolve("w.db"),
            Durability.NORMAL,
            1 << 20,
            Duration.ofSeconds(5),
            Clock.systemUTC(),
            0,
            8 << 20,
            false);
    Writer writer =
        new Writer(options, FileOpener.openWriter(options), new CommitSignal(), topic -> {});
    writer.start();
    try {
      CompletableFuture<Object> fatal =
          writer.submit(
              c -> {
                throw new OutOfMemoryError("injected");
              },
              "failing on purpose");
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> fatal.get(10, TimeUnit.SECONDS));
      assertTrue(
          e.getCause().getMessage().contains("stopped after java.lang.OutOfMemoryError: injected"),
          e.getCause().getMessage());

      // A later request fails at once, or (when it raced the writer's stop) through its future.
      Throwable later;
      try {
        writer.barrier().get(10, TimeUnit.SECONDS);
        throw new AssertionError("a request after the writer stopped succeeded");
      } catch (OneLogException thrown) {
        later = thrown;
      } catch (ExecutionException failed) {
        later = failed.getCause();
      }
      assertTrue(
          later.getMessage().endsWith("close the log and open it again"), later.getMessage());
    } finally {
      writer.close();
    }
  }
}
