package dev.onelog.internal;

/** Waiting for the library's own threads. */
public final class Threads {
  private Threads() {}

  /**
   * Waits until {@code thread} ends, however often the caller is interrupted meanwhile (a close
   * must not return while the thread still works on the file), then sets the caller's interrupt
   * flag again if it was interrupted.
   */
  public static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
