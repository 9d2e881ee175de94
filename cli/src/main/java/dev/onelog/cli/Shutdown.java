package dev.onelog.cli;

import dev.onelog.OneLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ends a command cleanly on SIGINT or SIGTERM (Ctrl-C on {@code consume --follow}, or on a {@code
 * produce} typing lines): the JVM's shutdown hook interrupts the command's thread, gives it {@link
 * #GRACE_MS} ms to return and close its log itself, and otherwise closes the logs the command
 * opened, which commits every record already sent and checkpoints the WAL.
 *
 * <p>Waiting on a latch rather than on the command thread's death matters: that thread is the one
 * that calls {@code System.exit}, which blocks while hooks run.
 *
 * <p>Thread-safe: the command thread and the hook thread share it.
 */
final class Shutdown {
  /** Long enough for an interrupted poll to return; short enough for an impatient Ctrl-C. */
  static final long GRACE_MS = 1000;

  private final Thread commandThread;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Set<OneLog> openLogs = ConcurrentHashMap.newKeySet();
  private volatile boolean requested;

  Shutdown(Thread commandThread) {
    this.commandThread = commandThread;
  }

  void install() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "onelog-shutdown"));
  }

  /** Remembers a log to close if the command does not return in time; returns it. */
  OneLog track(OneLog log) {
    openLogs.add(log);
    return log;
  }

  /** True once a signal asked the process to stop: the command should return, quietly. */
  boolean requested() {
    return requested;
  }

  /** The command returned; the hook that runs during {@code System.exit} has nothing to do. */
  void finished() {
    finished.countDown();
  }

  private void onSignal() {
    if (finished.getCount() == 0) {
      return;
    }
    requested = true;
    commandThread.interrupt();
    try {
      if (finished.await(GRACE_MS, TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (OneLog log : openLogs) {
      try {
        log.close();
      } catch (RuntimeException e) {
        // The process is ending on a signal; there is nobody left to report to.
      }
    }
  }
}
