package dev.onelog.internal.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.DiskFullException;
import dev.onelog.Durability;
import dev.onelog.RecordMetadata;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import dev.onelog.internal.LogOptions;
import dev.onelog.internal.storage.FileOpener;
import dev.onelog.internal.storage.FileSetup;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's one transaction: requests queued together run as steps of one commit, each in its
 * own savepoint. Requests are queued before the writer starts, so they are certain to share it.
 */
class GroupCommitTest {
  @TempDir Path dir;

  private Writer writer(long maxFileSizeBytes, CommitSignal signal) {
    return writer(maxFileSizeBytes, signal, Durability.NORMAL);
  }

  private Writer writer(long maxFileSizeBytes, CommitSignal signal, Durability durability) {
    LogOptions options =
        new LogOptions(
            dir.resolve("w.db"),
            durability,
            1 << 20,
            Duration.ofSeconds(5),
            Clock.systemUTC(),
            maxFileSizeBytes,
            8 << 20,
            false);
    Writer writer = new Writer(options, FileOpener.openWriter(options), signal, topic -> {});
    writer.start();
    join(
        writer.submit(
            tx -> {
              FileSetup.run(tx.connection(), options);
              TopicCatalog.create(tx.connection(), TopicSpec.named("t"), 0);
              tx.schemaChanged();
              return null;
            },
            "setting up"));
    return writer;
  }

  private static TopicMeta topic() {
    return TopicMeta.of(1, dev.onelog.TopicSpec.named("t"), 0);
  }

  private static EncodedRecord record(int size) {
    return new EncodedRecord("t", 1, 0, 0, null, new byte[size], null, size);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Holds the writer thread inside a step until released, so that what follows queues up. */
  private static CompletableFuture<Void> holdWriter(Writer writer, CountDownLatch release) {
    CountDownLatch holding = new CountDownLatch(1);
    CompletableFuture<Void> held =
        writer.submit(
            tx -> {
              holding.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return null;
            },
            "holding the writer");
    try {
      holding.await();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return held;
  }

  @Test
  void aFailingStepFailsAloneAndTheRestCommitInOneTransaction() throws Exception {
    CommitSignal signal = new CommitSignal();
    Writer writer = writer(0, signal);
    try {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> held = holdWriter(writer, release);
      CompletableFuture<RecordMetadata> first = writer.append(record(10));
      RuntimeException boom = new IllegalStateException("this step fails");
      StepContext[] seen = new StepContext[2];
      CompletableFuture<Object> failing =
          writer.submit(
              tx -> {
                seen[0] = tx;
                try (Statement s = tx.connection().createStatement()) {
                  s.execute("UPDATE partitions SET next_offset = 1000");
                }
                throw boom;
              },
              "failing on purpose");
      CompletableFuture<RecordMetadata> second = writer.append(record(10));
      CompletableFuture<Long> reads =
          writer.submit(
              tx -> {
                seen[1] = tx;
                try (Statement s = tx.connection().createStatement();
                    ResultSet rs = s.executeQuery("SELECT next_offset FROM partitions")) {
                  rs.next();
                  return rs.getLong(1);
                }
              },
              "reading");
      release.countDown();
      join(held);
      assertEquals(0, join(first).offset());
      assertEquals(1, join(second).offset(), "the failed step's update was rolled back");
      assertEquals(2, join(reads));
      CompletionException e = assertThrows(CompletionException.class, failing::join);
      assertSame(boom, e.getCause());
      assertSame(seen[0], seen[1], "one transaction for all of them");
    } finally {
      writer.close();
    }
  }

  @Test
  void eachCallerOfAFailedCommitGetsAnExceptionOfItsOwnNamingItsPartition() throws Exception {
    Writer writer = writer(512 * 1024, new CommitSignal());
    try {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> held = holdWriter(writer, release);
      List<CompletableFuture<RecordMetadata>> appends = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        appends.add(writer.append(record(60_000)));
      }
      release.countDown();
      join(held);
      List<Throwable> failures = new ArrayList<>();
      for (CompletableFuture<RecordMetadata> append : appends) {
        CompletionException e = assertThrows(CompletionException.class, append::join);
        failures.add(e.getCause());
      }
      for (Throwable failure : failures) {
        assertTrue(failure instanceof DiskFullException, failure.toString());
        assertEquals(
            List.of(TopicPartition.of("t", 0)), ((DiskFullException) failure).partitions());
        assertTrue(
            failure.getMessage().contains("appending a record to t-0"), failure.getMessage());
        assertTrue(failure.getCause() instanceof SQLException, failure.toString());
      }
      assertEquals(failures.size(), failures.stream().distinct().count(), "no instance shared");
    } finally {
      writer.close();
    }
  }

  @Test
  void anIdleWriterRunsMaintenanceWhenItIsDue() throws Exception {
    Writer writer = writer(0, new CommitSignal());
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    long[] due = {System.nanoTime() + 20_000_000L};
    Maintenance task =
        new Maintenance() {
          @Override
          public long dueAtNanos() {
            return due[0];
          }

          @Override
          public void run(StepContext tx) {
            runs.incrementAndGet();
            due[0] = System.nanoTime() + 20_000_000L;
          }

          @Override
          public void committed() {
            three.countDown();
          }

          @Override
          public void failed(RuntimeException cause) {}
        };
    try {
      writer.schedule(task);
      assertTrue(three.await(5, TimeUnit.SECONDS), "ran " + runs.get() + " times");
      writer.unschedule(task);
    } finally {
      writer.close();
    }
  }

  /** PRAGMA synchronous as the writer's connection has it: 1 NORMAL, 2 FULL. */
  private static int synchronous(StepContext tx) throws SQLException {
    try (Statement s = tx.connection().createStatement();
        ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aRedoableTaskCommitsWithoutTheFsyncAndCallersKeepIt() throws Exception {
    Writer writer = writer(0, new CommitSignal(), Durability.FSYNC);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    Semaphore committed = new Semaphore(0);
    AtomicBoolean redoable = new AtomicBoolean(true);
    AtomicLong due = new AtomicLong(System.nanoTime());
    Maintenance task =
        new Maintenance() {
          @Override
          public long dueAtNanos() {
            return due.get();
          }

          @Override
          public void run(StepContext tx) throws SQLException {
            seen.add(synchronous(tx));
            due.set(Long.MAX_VALUE);
          }

          @Override
          public boolean redoable() {
            return redoable.get();
          }

          @Override
          public void committed() {
            committed.release();
          }

          @Override
          public void failed(RuntimeException cause) {}
        };
    try {
      assertEquals(2, join(writer.submit(GroupCommitTest::synchronous, "before")), "FULL");
      writer.schedule(task);
      assertTrue(committed.tryAcquire(5, TimeUnit.SECONDS));
      assertEquals(2, join(writer.submit(GroupCommitTest::synchronous, "after")), "FULL again");
      redoable.set(false);
      due.set(System.nanoTime());
      join(writer.submit(tx -> null, "a wake-up"));
      assertTrue(committed.tryAcquire(5, TimeUnit.SECONDS));
      writer.unschedule(task);
      assertEquals(List.of(1, 2), seen, "NORMAL for the redoable run, FULL for the other");
    } finally {
      writer.close();
    }
  }
}
