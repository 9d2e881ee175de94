package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches waiting for records (Kafka's long poll), held without a thread each. A parked fetch looks
 * again on a worker after each commit of this process's log (one wake-up pass for any number of
 * commits that come while it runs), every {@link #RECHECK_MILLIS} for commits of other processes,
 * and a last time at its deadline, when it answers with whatever it found.
 *
 * <p>Thread-safe: the set is concurrent, and each fetch answers once ({@link Parked#finish}).
 */
final class ParkedFetches implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParkedFetches.class);

  /** How often parked fetches look for records that another process committed. */
  static final long RECHECK_MILLIS = 100;

  /** A fetch that waits. */
  interface Parked {
    /**
     * Looks for records; answers and returns true when there are enough, or always when {@code
     * last}. Called on a worker, never twice at once for one fetch.
     */
    boolean retry(boolean last);
  }

  private record Entry(Parked fetch, long deadlineNanos) {}

  private final Set<Entry> parked = ConcurrentHashMap.newKeySet();
  private final Executor workers;
  private final ScheduledExecutorService timer;
  private final AutoCloseable listener;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicBoolean wakeQueued = new AtomicBoolean();

  ParkedFetches(OneLog log, Executor workers, ScheduledExecutorService timer) {
    this.workers = workers;
    this.timer = timer;
    this.listener = log.onCommit(this::committed);
    timer.scheduleWithFixedDelay(
        this::wakeAll, RECHECK_MILLIS, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The count of commits seen so far: read before a fetch's first look, given to {@link #park}. */
  long commitsSeen() {
    return commits.get();
  }

  /**
   * Parks {@code fetch} until records come or {@code maxWaitMillis} pass; {@code seenCommits} is
   * {@link #commitsSeen} from before its first look, so that a commit in between wakes it at once.
   */
  void park(Parked fetch, long maxWaitMillis, long seenCommits) {
    Entry entry =
        new Entry(fetch, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis));
    parked.add(entry);
    timer.schedule(
        () ->
            workers.execute(
                () -> {
                  if (parked.remove(entry)) {
                    entry.fetch.retry(true);
                  } // else a wake-up pass holds it, and sees the deadline passed
                }),
        maxWaitMillis,
        TimeUnit.MILLISECONDS);
    if (commits.get() != seenCommits) {
      wakeAll();
    }
  }

  /** On the writer thread: must return at once. */
  private void committed() {
    commits.incrementAndGet();
    wakeAll();
  }

  private void wakeAll() {
    if (parked.isEmpty() || !wakeQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      workers.execute(this::retryAll);
    } catch (RuntimeException e) {
      wakeQueued.set(false); // shutting down
    }
  }

  private void retryAll() {
    wakeQueued.set(false);
    for (Entry entry : parked) {
      // Removed first: the deadline's last look and this one never run at once.
      if (parked.remove(entry)) {
        boolean last = System.nanoTime() - entry.deadlineNanos >= 0;
        boolean answered;
        try {
          answered = entry.fetch.retry(last) || last;
        } catch (RuntimeException e) {
          log.warn("a parked fetch failed", e);
          answered = true;
        }
        if (!answered) {
          parked.add(entry);
        }
      }
    }
  }

  /** Answers every parked fetch with what it has. */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (Exception e) {
      log.warn("removing the commit listener failed", e);
    }
    for (Entry entry : parked) {
      if (parked.remove(entry)) {
        entry.fetch.retry(true);
      }
    }
  }
}
