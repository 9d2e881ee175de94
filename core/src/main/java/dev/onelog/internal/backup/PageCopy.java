package dev.onelog.internal.backup;

import dev.onelog.BackupProgress;
import dev.onelog.OneLogException;
import dev.onelog.StorageException;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.storage.Connections;
import dev.onelog.internal.storage.SqliteErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.core.DB;

/**
 * Copies the log's file into the backup's temporary file page by page, as the file was at one
 * instant: SQLite's online backup ({@code sqlite3_backup_step}, reached through sqlite-jdbc's
 * {@link DB#backup}) from a read-only connection of its own that holds one read transaction from
 * before the first page until after the last.
 *
 * <p>Why the read transaction. A backup step copies some pages and then, by default, lets go of the
 * source; when another connection commits before the next step, SQLite starts the copy over from
 * the first page. Under a writer that commits every millisecond a copy never ends: a 600 MB log
 * with a writer appending in the same process was not copied after 60 s and 47,617 restarts. A read
 * transaction held on the source connection keeps every step on one WAL snapshot: the same copy
 * took 1.05 s, without a restart, while the writer went on appending (a WAL reader never blocks a
 * writer). The copy is that snapshot, every commit before it and none after. The cost: while the
 * snapshot is held, checkpoints cannot take the WAL past it, so the {@code -wal} file grows by what
 * is written during the copy, until the first checkpoint after it. ({@code VACUUM INTO}, SQLite's
 * other consistent copy, rebuilds every table rather than copying pages.)
 *
 * <p>Why a thread of its own. The copy is one native call that nothing stops midway. On a daemon
 * thread of its own, it lets the caller's thread give up at once, when interrupted or when its
 * progress listener throws: the caller deletes the temporary file (SQLite goes on writing to the
 * unlinked file) and returns, and the copy thread deletes the file again when the native call
 * returns, in case it created it after the caller's delete. When the JVM exits first, as after
 * Ctrl-C in the command, only the caller's delete happens: {@link #abandon} makes sure it comes
 * after SQLite opened the file. Progress is handed from the copy thread to the caller's, so
 * listeners run on the caller's thread and may throw: nothing thrown in Java ever unwinds through
 * the native call.
 *
 * <p>Thread-safety: {@link #start}, {@link #await} and {@link #abandon} run on the caller's thread,
 * {@link #copy} and {@link #stepped} on the copy thread; the mutable fields are guarded by this
 * object's monitor.
 */
final class PageCopy {
  /**
   * Pages per backup step: 256 pages of 16 KiB, 4 MiB, so a progress report every few milliseconds.
   * With the snapshot held the step size changes neither consistency nor speed measurably (100 and
   * 1024 pages copied 600 MB in 1.05 and 1.24 s, within noise).
   */
  static final int PAGES_PER_STEP = 256;

  /** How long a step that finds a database busy sleeps before it tries again. */
  private static final int BUSY_SLEEP_MILLIS = 50;

  private static final int SQLITE_OK = 0;

  /** The longest {@link #abandon} waits for the first step, which creates the journal. */
  private static final Duration FIRST_STEP_WAIT = Duration.ofSeconds(5);

  /** The size of what was copied. */
  record Copied(long pageCount, long pageSizeBytes) {
    long sizeBytes() {
      return pageCount * pageSizeBytes;
    }
  }

  private final LogContext context;
  private final BackupTarget target;
  private final Thread thread;

  /** Pages copied so far; -1 until the snapshot is taken. Guarded by this. */
  private long copiedPages = -1;

  /** Guarded by this. */
  private long totalPages;

  /** Guarded by this. */
  private long pageSizeBytes;

  /** Set once by the copy thread when the native call returned or failed. Guarded by this. */
  private boolean finished;

  /** Why the copy failed; null while running and after success. Guarded by this. */
  private Throwable failure;

  /** Set by the caller that gave up; the copy thread then deletes its work. Guarded by this. */
  private boolean abandoned;

  /** Set by the copy thread just before the native call, unless abandoned. Guarded by this. */
  private boolean copying;

  private PageCopy(LogContext context, BackupTarget target) {
    this.context = context;
    this.target = target;
    this.thread = new Thread(this::copy, "onelog-backup-" + context.options().path().getFileName());
    thread.setDaemon(true); // a copy nobody waits for must not keep the JVM alive
  }

  /** Starts copying the log's file into {@code target}'s temporary file. */
  static PageCopy start(LogContext context, BackupTarget target) {
    PageCopy copy = new PageCopy(context, target);
    copy.thread.start();
    return copy;
  }

  /**
   * Waits until the copy is complete, telling {@code listener} of its progress on this thread, and
   * returns what was copied. When this throws, call {@link #abandon}.
   *
   * @throws InterruptedException when this thread is interrupted while it waits
   * @throws OneLogException when the copy failed, translated from SQLite's error
   */
  Copied await(BackupProgress listener) throws InterruptedException {
    long reported = -1;
    while (true) {
      long copied;
      long total;
      long pageSize;
      boolean done;
      Throwable failed;
      if (Thread.interrupted()) { // also an interrupt from the listener, while no wait() runs
        throw new InterruptedException();
      }
      synchronized (this) {
        while (!finished && copiedPages == reported) {
          wait();
        }
        copied = copiedPages;
        total = totalPages;
        pageSize = pageSizeBytes;
        done = finished;
        failed = failure;
      }
      if (failed instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failed instanceof Error error) {
        throw error;
      }
      if (reported < 0 && copied > 0) {
        listener.copied(0, total * pageSize); // the first report is 0 even when a step came first
      }
      if (copied != reported) {
        listener.copied(copied * pageSize, total * pageSize);
        reported = copied;
      }
      if (done) {
        if (copied != total) {
          throw new StorageException(
              "SQLite's backup of "
                  + context.options().path()
                  + " ended after "
                  + copied
                  + " of "
                  + total
                  + " pages without an error; nothing was written to "
                  + target.destination(),
              null);
        }
        return new Copied(total, pageSize);
      }
    }
  }

  /**
   * The caller gave up. A copy that has not begun never will; one inside its native call goes on to
   * the end of it, and the copy thread then deletes the temporary file again. Returns once SQLite
   * has opened the temporary file and created its journal, or never will (a copy's first step takes
   * milliseconds), so that the caller's delete, which follows, finds both: the copy thread's own
   * delete comes only at the end of the copy, and the JVM may exit before, when a signal stopped
   * the backup.
   */
  void abandon() {
    boolean interrupted = false;
    long deadline = System.nanoTime() + FIRST_STEP_WAIT.toNanos();
    synchronized (this) {
      abandoned = true;
      long left;
      while (copying
          && copiedPages <= 0
          && !finished
          && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          interrupted = true; // the caller is giving up because of it: keep it for the caller
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The copy thread's work. */
  private void copy() {
    Throwable failed = null;
    try {
      copyFromSnapshot();
    } catch (SQLException e) {
      failed = context.translate(e, "backing up to " + target.destination());
    } catch (RuntimeException | Error e) {
      failed = e;
    }
    boolean discard;
    synchronized (this) {
      finished = true;
      failure = failed;
      discard = abandoned;
      notifyAll();
    }
    if (discard) {
      // The caller has returned; a failure to delete has nobody left to be reported to, and is
      // kept as suppressed on this throwaway exception only for a debugger.
      target.discard(new OneLogException("abandoned backup to " + target.destination()));
    }
  }

  private void copyFromSnapshot() throws SQLException {
    Path source = context.options().path();
    try (Connection connection = Connections.openReader(source, context.options().busyTimeout());
        Statement s = connection.createStatement()) {
      // A deferred BEGIN takes no lock yet: the first read below takes the snapshot, and the open
      // transaction keeps it for every backup step until the ROLLBACK.
      s.execute("BEGIN");
      long pages = queryLong(s, "PRAGMA page_count");
      long pageSize = queryLong(s, "PRAGMA page_size");
      synchronized (this) {
        copiedPages = 0;
        totalPages = pages;
        pageSizeBytes = pageSize;
        notifyAll();
        if (abandoned) {
          return; // the caller has gone: create nothing it would not delete
        }
        copying = true;
      }
      DB db = connection.unwrap(SQLiteConnection.class).getDatabase();
      int result =
          db.backup(
              "main",
              target.temporary().toString(),
              this::stepped,
              BUSY_SLEEP_MILLIS,
              busyRetries(),
              PAGES_PER_STEP);
      s.execute("ROLLBACK");
      if (result != SQLITE_OK) {
        throw copyFailed(source, result);
      }
    }
  }

  /** SQLite's progress after each step, on the copy thread inside the native call: never throws. */
  private synchronized void stepped(int remainingPages, int pageCount) {
    copiedPages = pageCount - remainingPages;
    totalPages = pageCount;
    notifyAll();
  }

  /** As many sleeps as fit in the log's busy timeout. */
  private int busyRetries() {
    return (int) Math.min(Integer.MAX_VALUE, context.options().busyTimeout().toMillis())
        / BUSY_SLEEP_MILLIS;
  }

  /** The copy's result code comes from the destination's connection, so the error names it. */
  private OneLogException copyFailed(Path source, int result) {
    SQLiteErrorCode code = SQLiteErrorCode.getErrorCode(result);
    if (code == SQLiteErrorCode.UNKNOWN_ERROR) {
      code = SQLiteErrorCode.getErrorCode(result & 0xFF); // an extended code the enum lacks
    }
    SQLiteException e =
        new SQLiteException(
            "[" + code.name() + "] " + code.message + " (result " + result + ")", code);
    return SqliteErrors.translate(
        e,
        target.destination(),
        context.options().busyTimeout(),
        "copying " + source + " into the backup's temporary file " + target.temporary());
  }

  private static long queryLong(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException(sql + " returned no row");
      }
      return rs.getLong(1);
    }
  }
}
