package dev.onelog.internal.write;

import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes callers' futures after a commit, in commit order, on a thread of its own once a
 * transaction has many callers, so that the writer can begin its next transaction while they are
 * woken (waking 64 parked callers costs about as much as a commit's fsync). A transaction with few
 * callers is completed by the thread that committed it when nothing is waiting here, sparing a lone
 * synchronous caller the hand-off, but only once that thread gave the writer's turn back ({@link
 * #runAfterTurn}): a caller woken while the turn was still held found it taken and queued its next
 * append for the writer, and 31 of 50 lone appends went to the writer in one test run. Either way
 * completions run in the order they were given.
 *
 * <p>Thread-safe: the holder of the writer's turn gives, the {@code onelog-completer-<file>} thread
 * and the last holder of the turn run.
 */
final class Completions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Completions.class);

  /** Transactions with more callers than this are completed on the completer thread. */
  static final int INLINE_CALLERS = 4;

  private static final Runnable STOP = () -> {};

  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

  /**
   * Completions of the last turn, for its holder to run once it gave the turn back. Guarded by
   * this; no turn begins before they ran: the writer thread runs them before it takes its next
   * turn, and a caller takes the turn only while {@link #idle}.
   */
  private final ArrayDeque<Runnable> afterTurn = new ArrayDeque<>();

  /** A thread is in {@link #runAfterTurn}; guarded by this. */
  private boolean runningAfterTurn;

  /** Completions handed to the completer thread and not yet run. */
  private final AtomicInteger onCompleter = new AtomicInteger();

  private final Thread thread;

  Completions(String name) {
    this.thread = new Thread(this::run, "onelog-completer-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Keeps {@code completion} for {@link #runAfterTurn} when it completes at most {@link
   * #INLINE_CALLERS} callers and nothing given before it waits for the completer thread (or when
   * one kept this turn still waits: the order holds); else hands it to the completer thread.
   */
  void complete(int callers, Runnable completion) {
    synchronized (this) {
      if (runningAfterTurn
          || !afterTurn.isEmpty()
          || (callers <= INLINE_CALLERS && onCompleter.get() == 0)) {
        afterTurn.add(completion);
        return;
      }
    }
    onCompleter.incrementAndGet();
    queue.add(completion);
  }

  /**
   * Runs the kept completions, in order, unless another thread is running them (that thread runs
   * those kept meanwhile too, so they keep their order). Called by a thread that committed, once it
   * gave the writer's turn back.
   */
  void runAfterTurn() {
    synchronized (this) {
      if (runningAfterTurn) {
        return;
      }
      runningAfterTurn = true;
    }
    while (true) {
      Runnable completion;
      synchronized (this) {
        completion = afterTurn.poll();
        if (completion == null) {
          runningAfterTurn = false;
          return;
        }
      }
      try {
        completion.run();
      } catch (RuntimeException | Error e) {
        log.error("completing callers after a commit failed", e);
      }
    }
  }

  /**
   * True when no completion waits to run: no callers are waiting to be woken. One may be running
   * (its caller, spinning in {@code join}, can be back before it returns).
   */
  boolean idle() {
    synchronized (this) {
      return onCompleter.get() == 0 && afterTurn.isEmpty();
    }
  }

  private void run() {
    while (true) {
      Runnable completion;
      try {
        completion = queue.take();
      } catch (InterruptedException e) {
        continue; // only close() stops it, through STOP
      }
      if (completion == STOP) {
        return;
      }
      try {
        completion.run();
      } catch (RuntimeException | Error e) {
        log.error("completing callers after a commit failed", e);
      } finally {
        onCompleter.decrementAndGet();
      }
    }
  }

  /** Runs what was given, then stops the thread; waits up to a minute for it. */
  @Override
  public void close() {
    runAfterTurn(); // none should be left: the last turn's holder ran them
    queue.add(STOP);
    try {
      thread.join(TimeUnit.MINUTES.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("{} still completing callers after a minute; a callback blocks", thread.getName());
    }
  }
}
