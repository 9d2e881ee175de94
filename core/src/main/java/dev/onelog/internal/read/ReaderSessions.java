package dev.onelog.internal.read;

import dev.onelog.CorruptRecordException;
import dev.onelog.UnknownTopicException;
import dev.onelog.internal.LogOptions;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.SQLException;
import java.util.List;

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
        throw tableGone(doing, e);
      }
      throw SqliteErrors.translate(e, options.path(), options.busyTimeout(), doing);
    } catch (RuntimeException e) {
      closeQuietly(session, e);
      throw e;
    }
  }

  /**
   * A table the read needed is missing: another process deleted its topic ({@link
   * UnknownTopicException}), unless the file still lists a topic whose table it is, or it is one of
   * the format's own tables: then the file is damaged ({@link CorruptRecordException}).
   */
  private RuntimeException tableGone(String doing, SQLException cause) {
    List<TopicMeta> topics;
    StatementCache session = null;
    try {
      // Not through run(): a missing topics table would bring it back here, and again.
      session = readers.borrow();
      topics = catalog.list(session.connection()); // reloads the catalog too
      readers.release(session);
    } catch (SQLException e) {
      if (session != null) {
        closeQuietly(session, e);
      }
      cause.addSuppressed(e);
      return new CorruptRecordException(
          "the topics of "
              + options.path()
              + " cannot be read (while "
              + doing
              + "): the file is damaged; run onelog verify, and restore it from a backup",
          cause);
    }
    String message = String.valueOf(cause.getMessage());
    int at = message.indexOf("no such table: ");
    String table = at < 0 ? "" : message.substring(at + "no such table: ".length()).trim();
    table = table.replaceAll("[)\\]\\s].*$", "");
    boolean listed = table.equals("topics") || table.equals("partitions");
    for (TopicMeta topic : topics) {
      for (int p = 0; p < topic.partitions() && !listed; p++) {
        listed = topic.logTable(p).equals(table);
      }
    }
    if (listed) {
      return new CorruptRecordException(
          "table "
              + table
              + " of "
              + options.path()
              + " is missing though the file lists it (while "
              + doing
              + "): the file is damaged; run onelog verify, and restore it from a backup",
          cause);
    }
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
