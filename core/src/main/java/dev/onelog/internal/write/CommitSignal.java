package dev.onelog.internal.write;

/**
 * Wakes readers of this process when the writer commits, or when another process announced a commit
 * through the log's wake file ({@link #othersCommitted}). A reader remembers {@link #version()}
 * before it looks for records, and waits only if the version is still the same, so a commit between
 * its look and its wait is never missed. Thread-safe; guarded by its own monitor.
 */
public final class CommitSignal {
  /** Incremented after every commit. Guarded by this. */
  private long version;

  /** Incremented by {@link #othersCommitted} only. Guarded by this. */
  private long othersCommits;

  /** Told after every commit, on the committing thread. */
  private final java.util.List<Runnable> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public synchronized long version() {
    return version;
  }

  public void committed() {
    synchronized (this) {
      version++;
      notifyAll();
    }
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        listeners.remove(listener); // never again: the writer must not fail for a listener
        org.slf4j.LoggerFactory.getLogger(CommitSignal.class)
            .warn("a commit listener threw and was removed", e);
      }
    }
  }

  /**
   * Calls {@code listener} after every commit, on the committing thread (the writer's): it must
   * return at once. Closing the handle removes it; so does the listener's throwing.
   */
  public AutoCloseable listen(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * How many times another process's commit was announced: a reader woken while this moved knows
   * the commit was not this process's, and looks at {@code PRAGMA data_version}.
   */
  public synchronized long othersCommits() {
    return othersCommits;
  }

  /**
   * Wakes every waiter because another process announced a commit (the wake file changed). The
   * listeners are not told: they hear this process's writer only, as {@link #listen} says.
   */
  public synchronized void othersCommitted() {
    version++;
    othersCommits++;
    notifyAll();
  }

  /** Wakes every waiter as a commit would, e.g. so that pollers notice the log closed. */
  public void wakeAll() {
    committed();
  }

  /**
   * Waits until a commit after {@code seenVersion}, or the timeout.
   *
   * @return true when a commit happened
   */
  public synchronized boolean awaitAfter(long seenVersion, long timeoutNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (version == seenVersion) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      wait(remaining / 1_000_000, (int) (remaining % 1_000_000));
    }
    return true;
  }
}
