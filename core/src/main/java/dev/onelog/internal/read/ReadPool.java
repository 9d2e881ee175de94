package dev.onelog.internal.read;

import dev.onelog.LogClosedException;
import dev.onelog.internal.storage.Connections;
import dev.onelog.internal.storage.StatementCache;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Read-only connections lent to one thread at a time, each with its own prepared statements. WAL
 * readers never block the writer nor each other. Thread-safe; guarded by this.
 */
public final class ReadPool implements AutoCloseable {
  private static final int MAX_IDLE = 8;

  private final Path path;
  private final Duration busyTimeout;

  /** Guarded by this. */
  private final ArrayDeque<StatementCache> idle = new ArrayDeque<>();

  /** Guarded by this. */
  private boolean closed;

  public ReadPool(Path path, Duration busyTimeout) {
    this.path = path;
    this.busyTimeout = busyTimeout;
  }

  /** A session for the calling thread; give it back with {@link #release}. */
  public StatementCache borrow() throws SQLException {
    synchronized (this) {
      if (closed) {
        throw new LogClosedException("the log " + path + " is closed; open it again to read");
      }
      StatementCache session = idle.pollFirst();
      if (session != null) {
        return session;
      }
    }
    return open();
  }

  /** A session of its own, for a consumer that keeps one; the caller closes it. */
  public StatementCache open() throws SQLException {
    Connection connection = Connections.openReader(path, busyTimeout);
    return new StatementCache(connection, 64);
  }

  public void release(StatementCache session) throws SQLException {
    synchronized (this) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addFirst(session);
        return;
      }
    }
    session.close();
  }

  /**
   * Closes idle sessions; sessions still lent are closed when given back. Idempotent.
   *
   * @throws SQLException the first session's failure to close, the others' added as suppressed;
   *     every idle session is closed all the same
   */
  @Override
  public void close() throws SQLException {
    SQLException failure = null;
    synchronized (this) {
      closed = true;
      for (StatementCache session : idle) {
        try {
          session.close();
        } catch (SQLException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      idle.clear();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
