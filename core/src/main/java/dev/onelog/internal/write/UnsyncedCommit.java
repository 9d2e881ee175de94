package dev.onelog.internal.write;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a commit of a redoable maintenance step without the fsync ({@link Maintenance#redoable}),
 * with {@code PRAGMA synchronous=NORMAL} around it. The pragma takes effect when a statement is
 * compiled, so it runs through a fresh Statement, never the statement cache. Should setting FULL
 * again fail, an Error stops the writer rather than let it acknowledge appends never fsynced.
 */
final class UnsyncedCommit {
  private static final Logger log = LoggerFactory.getLogger(UnsyncedCommit.class);

  private UnsyncedCommit() {}

  /** Runs {@code commit}, without the fsync when the pragma could be set. */
  static void run(Connection connection, Path path, Runnable commit) {
    if (!setSynchronous(connection, path, "NORMAL")) {
      commit.run();
      return;
    }
    try {
      commit.run();
    } finally {
      if (!setSynchronous(connection, path, "FULL")) {
        throw new Error("could not set PRAGMA synchronous=FULL again on " + path);
      }
    }
  }

  private static boolean setSynchronous(Connection connection, Path path, String level) {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA synchronous=" + level);
      return true;
    } catch (SQLException e) {
      log.warn("PRAGMA synchronous={} failed on {}", level, path, e);
      return false;
    }
  }
}
