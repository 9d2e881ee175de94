package dev.onelog.internal.write;

/**
 * Wakes readers of this process when the writer commits. A reader remembers {@link #version()}
 * before it looks for records, and waits only if the version is still the same, so a commit between
 * its look and its wait is never missed. Thread-safe; guarded by its own monitor.
 */
public final class CommitSignal {
  /** Incremented after every commit. Guarded by this. */
  private long version;

  public synchronized long version() {
    return version;
  }

  public synchronized void committed() {
    version++;
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
