package dev.onelog.internal.storage;

import dev.onelog.NewerFormatException;
import dev.onelog.NotAOneLogFileException;
import dev.onelog.internal.LogOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's first step on a file, inside its first write transaction: creates the schema in a
 * file that has none, upgrades a file of an older format ({@link FormatUpgrade}), and checks again,
 * now under the write lock, what {@link FileOpener} checked without it, since another process may
 * have created, upgraded or replaced the file meanwhile. A no-op on a file of the current format.
 *
 * <p>Creating a file is atomic in the only sense that matters: the schema, {@code application_id}
 * and {@code user_version} commit together, and a file without any table (left by a crash after
 * {@link FileFormat#NEW_FILE_PRAGMAS} committed the switch to WAL but before this step committed)
 * is taken as new by the next open.
 */
public final class FileSetup {
  private FileSetup() {}

  /**
   * @throws NotAOneLogFileException when the file became another application's database
   * @throws NewerFormatException when another process left it in a newer format
   */
  public static void run(Connection writer, LogOptions options) throws SQLException {
    Path path = options.path();
    try (Statement s = writer.createStatement()) {
      int applicationId = intPragma(s, "application_id");
      if (applicationId == 0) {
        List<String> tables = tables(s);
        if (!tables.isEmpty()) {
          throw new NotAOneLogFileException(
              path
                  + " became an SQLite database of another application (tables "
                  + tables
                  + ") while onelog opened it; it was not modified. Choose another path");
        }
        for (String ddl : FileFormat.SCHEMA) {
          s.execute(ddl);
        }
        s.execute("PRAGMA application_id=" + FileFormat.APPLICATION_ID);
        s.execute("PRAGMA user_version=" + FileFormat.FORMAT_VERSION);
        return;
      }
      if (applicationId != FileFormat.APPLICATION_ID) {
        throw new NotAOneLogFileException(
            path
                + " became an SQLite database of another application (application_id "
                + applicationId
                + ") while onelog opened it; it was not modified. Choose another path");
      }
      int version = intPragma(s, "user_version");
      if (version > FileFormat.FORMAT_VERSION) {
        throw FileOpener.newer(path, version);
      }
      if (version < FileFormat.FORMAT_VERSION) {
        try {
          FormatUpgrade.upgrade(writer, version, path);
        } catch (SQLException e) {
          // The message does not claim "still format N": after a busy timeout another process may
          // have upgraded the file meanwhile.
          throw SqliteErrors.translate(
              e,
              path,
              options.busyTimeout(),
              "upgrading the file from format "
                  + version
                  + " to format "
                  + FileFormat.FORMAT_VERSION);
        }
      }
    }
  }

  static int intPragma(Statement s, String pragma) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  static List<String> tables(Statement s) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 10")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
