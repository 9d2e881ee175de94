package dev.onelog.internal.read;

import dev.onelog.UnknownTopicException;
import dev.onelog.internal.LogOptions;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import java.sql.SQLException;

/**
 * Runs a log's one-off reads on pooled read connections: borrows a session, gives it back when the
 * work succeeded, closes it when the work failed (its statements may be unusable), and turns
 * SQLite's errors into onelog's. A table that vanished means another process deleted a topic: the
 * catalog is reloaded and the caller gets {@link UnknownTopicException}. Thread-safe.
 */
public final class ReaderSessions {
  /** Work on a read session. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(StatementCache session) throws SQLException;
  }

  private final ReadPool readers;
  private final TopicCatalog catalog;
  private final LogOptions options;

  public ReaderSessions(ReadPool readers, TopicCatalog catalog, LogOptions options) {
    this.readers = readers;
    this.catalog = catalog;
    this.options = options;
  }

  public <T> T run(String doing, SqlWork<T> work) {
    StatementCache session;
    try {
      session = readers.borrow();
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, options.path(), options.busyTimeout(), doing);
    }
    try {
      T result = work.run(session);
      readers.release(session);
      return result;
    } catch (SQLException e) {
      closeQuietly(session, e);
      if (SqliteErrors.isNoSuchTable(e)) {
        throw topicGone(doing, e);
      }
      throw SqliteErrors.translate(e, options.path(), options.busyTimeout(), doing);
    } catch (RuntimeException e) {
      closeQuietly(session, e);
      throw e;
    }
  }

  private UnknownTopicException topicGone(String doing, SQLException cause) {
    run(
        "reloading topics",
        session -> {
          catalog.reload(session.connection());
          return null;
        });
    UnknownTopicException e =
        new UnknownTopicException(
            "a topic was deleted while " + doing + "; known topics: " + catalog.knownNames());
    e.initCause(cause);
    return e;
  }

  private static void closeQuietly(StatementCache session, Throwable primary) {
    try {
      session.close();
    } catch (SQLException e) {
      primary.addSuppressed(e);
    }
  }
}
