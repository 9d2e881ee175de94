package dev.onelog.internal.write;

import dev.onelog.internal.LogOptions;
import dev.onelog.internal.Threads;
import dev.onelog.internal.storage.Connections;
import dev.onelog.internal.storage.SqliteErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL into the database file on a thread and connection of its own, so that commits
 * never wait for it. SQLite's own autocheckpoint runs inside the {@code COMMIT} that passes the
 * threshold: at 10,000 records/s in NORMAL mode one commit in about 70 took 2-3 ms longer, writing
 * 2 MiB into the file and fsyncing it, and that was the send-to-poll p99 (docs/BENCHMARKS.md,
 * "Checkpoints off the writer thread").
 *
 * <p>A round is a PASSIVE checkpoint: it copies what no reader still needs, without waiting for
 * anyone. A round runs once the writer reports about {@link #ROUND_BYTES} committed since the last
 * one, or a second after a commit when less came.
 *
 * <p>The WAL starts over from its beginning only when a write transaction begins with every frame
 * copied; a round on another connection never ends that way while the writer keeps committing. So
 * once the WAL is longer than {@link #RESET_FRAMES}, the writer is asked to copy the few frames
 * committed since the round itself, between two transactions ({@link #resetIfWanted}): its next
 * transaction then writes from the WAL's start. Without that the WAL grew by every commit (700 MiB
 * in 10 s) and fsyncs of the growing file doubled commit latency.
 *
 * <p>Thread-safe. Round and reset never overlap: they take {@link #checkpointing}, the writer
 * without waiting.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  /** Bytes of committed pages, as the writer estimates them, that start a round: 128 pages. */
  static final long ROUND_BYTES = 2L << 20;

  /** How long less than {@link #ROUND_BYTES} waits for its round. */
  static final long ROUND_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** WAL frames (16 KiB pages) after which the writer starts the WAL over: 32 MiB. */
  static final int RESET_FRAMES = 2048;

  private final LogOptions options;
  private final Connection connection;
  private final Thread thread;
  private final ReentrantLock checkpointing = new ReentrantLock();

  /** Estimated bytes committed since the last round began. Guarded by this. */
  private long pendingBytes;

  /** When the first commit since the last round came; guarded by this. */
  private long pendingSinceNanos;

  /** Guarded by this. */
  private boolean closed;

  /** Set after a round that left a long WAL; cleared by the writer's attempt. */
  private volatile boolean resetWanted;

  /** The I/O error a checkpoint met; rounds stop, and the writer stops at its next request. */
  private volatile SQLException ioFailure;

  private Checkpointer(LogOptions options, Connection connection) {
    this.options = options;
    this.connection = connection;
    this.thread = new Thread(this::run, "onelog-checkpointer-" + options.path().getFileName());
    this.thread.setDaemon(true);
  }

  /**
   * Opens the checkpointer's connection, turns SQLite's autocheckpoint off on the writer's, and
   * starts the thread. On the writer thread.
   *
   * @return null when that failed; SQLite's autocheckpoint then stays on
   */
  static Checkpointer start(LogOptions options, Connection writerConnection) {
    Connection connection = null;
    try {
      connection = Connections.openCheckpointer(options);
      try (Statement s = writerConnection.createStatement()) {
        s.execute("PRAGMA wal_autocheckpoint=0");
      }
    } catch (SQLException e) {
      log.warn(
          "no checkpointer thread for {}; SQLite checkpoints inside commits", options.path(), e);
      Connections.closeQuietly(connection, e);
      return null;
    }
    Checkpointer checkpointer = new Checkpointer(options, connection);
    checkpointer.thread.start();
    return checkpointer;
  }

  /**
   * The writer's last checkpoint, on its own connection as the log closes. Best effort: closing the
   * last connection checkpoints anyway, and the WAL is part of the database until then.
   */
  static void checkpointOnClose(Connection writerConnection, Path path) {
    try (Statement s = writerConnection.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException e) {
      log.warn("checkpoint on close of {} failed", path, e);
    }
  }

  /** Told by the writer after each commit, with an estimate of the bytes of pages it wrote. */
  synchronized void committed(long estimatedBytes) {
    boolean first = pendingBytes == 0;
    if (first) {
      pendingSinceNanos = System.nanoTime();
    }
    boolean wasBelow = pendingBytes < ROUND_BYTES;
    pendingBytes += Math.max(1, estimatedBytes);
    if (first || (wasBelow && pendingBytes >= ROUND_BYTES)) {
      notifyAll(); // the first starts the thread's timed wait; the round's size ends it
    }
  }

  /**
   * On the writer thread, between transactions: after a round that left a long WAL, copies what was
   * committed during it, so that the next transaction starts the WAL over. Never waits: when a
   * round is running, the next round asks again.
   */
  void resetIfWanted(Connection writerConnection) {
    if (!resetWanted || !checkpointing.tryLock()) {
      return;
    }
    try {
      resetWanted = false;
      checkpoint(writerConnection);
    } catch (SQLException e) {
      failed(e);
    } finally {
      checkpointing.unlock();
    }
  }

  private void run() {
    while (awaitRound()) {
      checkpointing.lock();
      try {
        long[] frames = checkpoint(connection);
        if (frames[0] < 0) {
          // SQLite reports -1 while this connection has not opened the WAL, which happens with
          // its first read; nothing was copied.
          try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA schema_version");
          }
          frames = checkpoint(connection);
        }
        resetWanted = frames[0] >= RESET_FRAMES;
      } catch (SQLException e) {
        failed(e);
      } finally {
        checkpointing.unlock();
      }
      if (ioFailure != null) {
        return;
      }
    }
  }

  /**
   * A failed checkpoint leaves its frames in the WAL, where readers find them, and the next round
   * copies them again; but after an I/O error (a failed write or fsync of the file) the log stops
   * taking writes, as after a commit's ({@link WriterIoFailure}): pages the kernel failed to write
   * may be gone from its cache while a later fsync succeeds.
   */
  private void failed(SQLException e) {
    if (SqliteErrors.isIoError(e)) {
      log.error(
          "a checkpoint of {} met an I/O error; the log stops taking writes", options.path(), e);
      ioFailure = e;
    } else {
      log.warn("checkpoint of {} failed; the next round tries again", options.path(), e);
    }
  }

  /**
   * On the writer thread, before each transaction: stops the writer after a checkpoint's I/O error.
   */
  void throwIfFailed() {
    SQLException failure = ioFailure;
    if (failure != null) {
      throw new WriterIoFailure(failure);
    }
  }

  /**
   * Waits until a round is due, and takes what is pending.
   *
   * @return false once closed
   */
  private synchronized boolean awaitRound() {
    while (!closed) {
      if (pendingBytes >= ROUND_BYTES) {
        break;
      }
      long waitNanos = Long.MAX_VALUE;
      if (pendingBytes > 0) {
        waitNanos = pendingSinceNanos + ROUND_DELAY_NANOS - System.nanoTime();
        if (waitNanos <= 0) {
          break;
        }
      }
      try {
        if (waitNanos == Long.MAX_VALUE) {
          wait();
        } else {
          TimeUnit.NANOSECONDS.timedWait(this, waitNanos);
        }
      } catch (InterruptedException e) {
        return false;
      }
    }
    pendingBytes = 0;
    return !closed;
  }

  /**
   * A PASSIVE checkpoint.
   *
   * @return the WAL's frames and the frames copied into the file, as SQLite reports them
   */
  private static long[] checkpoint(Connection on) throws SQLException {
    try (Statement s = on.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      return rs.next() ? new long[] {rs.getLong(2), rs.getLong(3)} : new long[] {0, 0};
    }
  }

  /** Stops the thread, waiting for a round in progress, and closes the connection. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    Threads.joinUninterruptibly(thread);
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the checkpointer's connection to {} failed", options.path(), e);
    }
  }
}
