package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OneLog#onCommit} and {@link OneLog#transactionAsync}: what servers build on. */
class CommitListenerTest {
  @TempDir Path dir;

  @Test
  void aListenerHearsEachCommitUntilItsHandleIsClosed() throws Exception {
    try (OneLog log = OneLog.open(dir.resolve("l.db"))) {
      log.createTopic(TopicSpec.named("t"));
      AtomicInteger heard = new AtomicInteger();
      AutoCloseable handle = log.onCommit(heard::incrementAndGet);
      log.append(ProducerRecord.of("t", "k", "v"));
      // The append's future completes at its commit; listeners hear of it right after.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (heard.get() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(heard.get() >= 1, "heard the append's commit");
      handle.close();
      int before = heard.get();
      log.append(ProducerRecord.of("t", "k", "v"));
      log.flush();
      Thread.sleep(50);
      assertEquals(before, heard.get(), "not after its handle closed");
    }
  }

  @Test
  void aListenerThatThrowsIsRemovedAndTheWriterGoesOn() {
    try (OneLog log = OneLog.open(dir.resolve("l.db"))) {
      log.createTopic(TopicSpec.named("t"));
      AtomicInteger calls = new AtomicInteger();
      log.onCommit(
          () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a broken listener");
          });
      log.append(ProducerRecord.of("t", "k", "1"));
      log.append(ProducerRecord.of("t", "k", "2"));
      assertEquals(1, calls.get(), "called once, then removed");
      assertEquals(2, log.nextOffset(new TopicPartition("t", 0)));
    }
  }

  @Test
  void transactionAsyncCompletesWithTheBodysResultOrItsException() throws Exception {
    try (OneLog log = OneLog.open(dir.resolve("l.db"))) {
      log.createTopic(TopicSpec.named("t"));
      CompletableFuture<Long> offset =
          log.transactionAsync(tx -> tx.send(ProducerRecord.of("t", "k", "v")).offset());
      assertEquals(0L, offset.get(10, TimeUnit.SECONDS));
      CompletableFuture<Object> failed =
          log.transactionAsync(
              tx -> {
                tx.send(ProducerRecord.of("t", "k", "undone"));
                throw new IllegalArgumentException("no");
              });
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertEquals(1, log.nextOffset(new TopicPartition("t", 0)), "nothing of the failed body");
    }
  }
}
