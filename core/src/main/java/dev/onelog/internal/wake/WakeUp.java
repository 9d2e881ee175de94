package dev.onelog.internal.wake;

import dev.onelog.internal.write.CommitSignal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open log's wake file (see the package doc): its writer announces each commit while another
 * process watches, and once one of its consumers has seen another process's commit, this process
 * watches until the log closes.
 *
 * <p>Why watch only after another process's commit, and not as soon as a consumer waits: watching
 * makes every writer of the file pay a {@code pwrite} per commit, and most logs have one process; a
 * log whose consumers only ever see their own process's commits (woken by the {@link CommitSignal}
 * already) never makes its writer pay. The price is that the first commit of another process, and
 * those in the up to 100 ms before its writer notices the watcher, are found by the {@code
 * data_version} poll as before. Why until the log closes, and not while a consumer waits: a process
 * that waited once is likely to wait again, and taking and dropping the lock at each poll would
 * cost more than it spares.
 *
 * <p>Thread-safe. {@code watching} and {@code closed} are guarded by this; {@code watchAsked} is
 * read without the lock so that every later call is a volatile read.
 */
public final class WakeUp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WakeUp.class);

  /** Null when the log has no wake file: every call does nothing. */
  private final Path wakeFile;

  private final CommitSignal signal;

  /** Null when the log was opened read-only or has no wake file. */
  private final WakeAnnouncer announcer;

  /** Removes the announcer from the signal's listeners; null with the announcer. */
  private final AutoCloseable listening;

  private volatile boolean watchAsked;

  /** Guarded by this; null until watched. */
  private AutoCloseable watching;

  /** Guarded by this. */
  private boolean closed;

  private WakeUp(Path wakeFile, CommitSignal signal, boolean announces) {
    this.wakeFile = wakeFile;
    this.signal = signal;
    this.announcer =
        wakeFile != null && announces ? new WakeAnnouncer(wakeFile, System::nanoTime) : null;
    this.listening = announcer == null ? null : signal.listen(announcer);
  }

  /**
   * The wake-up of the log at {@code log}, whose commits {@code signal} tells this process of. The
   * wake file is opened at the first commit, or at the first {@link #watchOthers}; nothing is
   * created before.
   *
   * @param announces true when this process writes the log (it was not opened read-only)
   */
  public static WakeUp open(Path log, CommitSignal signal, boolean announces) {
    return open(WakeFiles.of(log), signal, announces);
  }

  static WakeUp open(Optional<Path> wakeFile, CommitSignal signal, boolean announces) {
    return new WakeUp(wakeFile.orElse(null), signal, announces);
  }

  /**
   * Called by a consumer that has seen another process's commit: from now on until the log closes,
   * this process watches the wake file and its consumers are woken at once by other processes'
   * announced commits. Idempotent; when the wake file cannot be watched, consumers poll as before
   * (logged at debug, not tried again).
   */
  public void watchOthers() {
    if (watchAsked || wakeFile == null) {
      return;
    }
    synchronized (this) {
      if (watchAsked || closed) {
        return;
      }
      watchAsked = true;
      try {
        watching = WakeWatcher.watch(wakeFile, signal::othersCommitted);
      } catch (IOException | RuntimeException e) {
        log.debug("cannot watch {}; consumers poll for other processes' commits", wakeFile, e);
      }
    }
  }

  /** Whether {@link #watchOthers} was called (and so whether calling it again does anything). */
  public boolean askedToWatch() {
    return watchAsked || wakeFile == null;
  }

  /** Whether this process watches the wake file now; for tests. */
  synchronized boolean isWatching() {
    return watching != null;
  }

  /** Stops announcing and watching; releases the lock and the file. Idempotent; never throws. */
  @Override
  public void close() {
    AutoCloseable stopWatching;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopWatching = watching;
      watching = null;
    }
    closeQuietly(stopWatching);
    closeQuietly(listening);
    if (announcer != null) {
      announcer.close();
    }
  }

  private void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("closing the wake-up of {} failed", wakeFile, e);
    }
  }
}
