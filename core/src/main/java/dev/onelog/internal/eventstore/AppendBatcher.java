package dev.onelog.internal.eventstore;

import dev.onelog.OneLogException;
import dev.onelog.eventstore.AppendResult;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.write.Step;
import dev.onelog.internal.write.StepContext;
import dev.onelog.internal.write.Writer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Group commit for event appends: callers queue their appends here, and one writer step (a {@link
 * Drain}) takes every append queued when it runs and stores them in one {@link AppendSession}: one
 * read of the topic's next offset, the streams' rows read and written once, and the records of all
 * of them appended as one batch. 64 threads appending one event each so cost about what one append
 * of 64 events costs, where a step per append would pay a savepoint, a partition read and a batch
 * row each.
 *
 * <p>At most one drain is queued on the writer at a time ({@code drainQueued}): an append that
 * finds one queued rides on it. The drain clears the flag before it takes the queue, so an append
 * queued after it took the queue queues the next drain. Each append's future completes after the
 * commit that stored it, or fails with the transaction: the drain completes those it took, never
 * those of another transaction.
 *
 * <p>Thread-safe: {@code pending} is a concurrent queue and {@code drainQueued} atomic; a drain's
 * own list is the writer thread's.
 */
final class AppendBatcher {
  /** A drain takes at most this many events; the rest waits for the next transaction. */
  static final int MAX_EVENTS_PER_DRAIN = 50_000;

  private final Writer writer;
  private final Supplier<TopicMeta> topic;
  private final EventTail tail;
  private final ConcurrentLinkedQueue<PendingAppend> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainQueued = new AtomicBoolean();

  AppendBatcher(Writer writer, Supplier<TopicMeta> topic, EventTail tail) {
    this.writer = writer;
    this.topic = topic;
    this.tail = tail;
  }

  CompletableFuture<List<AppendResult>> submit(PendingAppend append) {
    pending.add(append);
    queueDrain();
    return append.future;
  }

  private void queueDrain() {
    if (pending.isEmpty() || !drainQueued.compareAndSet(false, true)) {
      return;
    }
    Drain drain = new Drain();
    CompletableFuture<Void> done;
    try {
      done = writer.submit(drain, "appending events");
    } catch (RuntimeException e) {
      drainQueued.set(false);
      failPending(e);
      throw e;
    }
    done.whenComplete((ignored, failure) -> drain.finish(failure));
  }

  /** Fails every queued append: the drain that would have taken them cannot run. */
  private void failPending(Throwable cause) {
    for (PendingAppend append; (append = pending.poll()) != null; ) {
      append.future.completeExceptionally(own(cause));
    }
  }

  /** An exception of the caller's own for a failure shared by several callers. */
  private static RuntimeException own(Throwable cause) {
    if (cause instanceof OneLogException shared) {
      OneLogException e = new OneLogException(shared.getMessage(), shared);
      return e;
    }
    return new OneLogException("appending events failed: " + cause, cause);
  }

  /** One writer step that stores every append queued when it runs. */
  private final class Drain implements Step<Void> {
    /** The appends this drain took; the writer thread's. */
    private final List<PendingAppend> taken = new ArrayList<>();

    private boolean ran;

    @Override
    public Void run(StepContext tx) throws SQLException {
      ran = true;
      drainQueued.set(false);
      AppendSession session = AppendSession.begin(tx, topic.get(), tail);
      int events = 0;
      for (PendingAppend append;
          events < MAX_EVENTS_PER_DRAIN && (append = pending.poll()) != null; ) {
        taken.add(append);
        events += append.eventCount();
      }
      session.load(taken);
      for (PendingAppend append : taken) {
        session.append(append);
      }
      session.finish();
      return null;
    }

    /** After the transaction: completes what it took, or fails it with the transaction. */
    void finish(Throwable failure) {
      if (failure == null) {
        taken.forEach(PendingAppend::completeAfterCommit);
      } else {
        for (PendingAppend append : taken) {
          append.future.completeExceptionally(own(failure));
        }
        if (!ran) {
          drainQueued.set(false);
          failPending(failure);
        }
      }
      queueDrain(); // appends left by a full drain, or queued while a failed one was pending
    }
  }
}
