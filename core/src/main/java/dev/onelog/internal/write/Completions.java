package dev.onelog.internal.write;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes callers' futures after a commit, in commit order, on a thread of its own once a
 * transaction has many callers, so that the writer can begin its next transaction while they are
 * woken (waking 64 parked callers costs about as much as a commit's fsync). A transaction with few
 * callers is completed on the writer itself when nothing is waiting here, sparing a lone
 * synchronous caller the hand-off. Either way completions run in the order they were given.
 *
 * <p>Thread-safe: the writer gives, the {@code onelog-completer-<file>} thread runs.
 */
final class Completions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Completions.class);

  /** Transactions with more callers than this are completed on the completer thread. */
  static final int INLINE_CALLERS = 4;

  private static final Runnable STOP = () -> {};

  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final Thread thread;

  Completions(String name) {
    this.thread = new Thread(this::run, "onelog-completer-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Runs {@code completion} on the writer now when it completes at most {@link #INLINE_CALLERS}
   * callers and nothing given before it is still waiting; else hands it to the completer thread.
   */
  void complete(int callers, Runnable completion) {
    if (callers <= INLINE_CALLERS && pending.get() == 0) {
      completion.run();
      return;
    }
    pending.incrementAndGet();
    queue.add(completion);
  }

  /** True when no completion waits for the completer thread: no callers are being woken. */
  boolean idle() {
    return pending.get() == 0;
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
        pending.decrementAndGet();
      }
    }
  }

  /** Runs what was given, then stops the thread; waits up to a minute for it. */
  @Override
  public void close() {
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
