package dev.onelog.internal.storage;

import dev.onelog.FileAccessException;
import dev.onelog.NewerFormatException;
import dev.onelog.NotAOneLogFileException;
import dev.onelog.OlderFormatException;
import dev.onelog.internal.LogOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Opens a log file for writing: checks that an existing file is a onelog file of a format this code
 * reads or upgrades (without modifying anything when it is not), upgrades an older format ({@link
 * FormatUpgrade}), or creates the schema in a new or empty file. Safe when several processes open
 * the same path at once: the schema is created, and an older file upgraded, inside {@code BEGIN
 * IMMEDIATE} after checking again that nobody did it first.
 *
 * <p>Never reads the file with Java I/O: closing a plain file handle would drop the POSIX locks
 * SQLite holds on it in this process. Only {@code stat}-like calls (exists, size, permissions).
 */
public final class FileOpener {
  private FileOpener() {}

  /** Returns the writer connection of a checked, initialised file. */
  public static Connection openWriter(LogOptions options) {
    Path path = options.path().toAbsolutePath();
    checkAccess(path);
    if (Files.exists(path) && sizeOf(path) > 0) {
      inspectExisting(path, options);
    }
    Connection connection = null;
    try {
      connection = Connections.openWriter(options);
      initialize(connection);
      FormatUpgrade.upgradeIfOlder(connection, options);
      return connection;
    } catch (SQLException e) {
      Connections.closeQuietly(connection, e);
      throw SqliteErrors.translate(e, path, options.busyTimeout(), "opening the log");
    } catch (RuntimeException e) {
      Connections.closeQuietly(connection, e);
      throw e;
    }
  }

  /**
   * Checks, without writing anything, that an existing file is a onelog file of the format this
   * code reads: for a log opened read-only, which has no writer connection and so cannot upgrade an
   * older format.
   *
   * @throws OlderFormatException when the file is of an older format
   */
  public static void checkReadable(LogOptions options) {
    Path path = options.path().toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      throw new FileAccessException(
          path
              + " does not exist; a log opened read-only must exist already"
              + " (open it without readOnly() to create it)");
    }
    if (sizeOf(path) == 0) {
      throw new NotAOneLogFileException(
          path
              + " is empty, so not yet a onelog file; open it without readOnly() to create the log");
    }
    int version = inspectExisting(path, options);
    if (version < FileFormat.FORMAT_VERSION) {
      throw new OlderFormatException(
          path
              + " is a onelog file of format "
              + version
              + ", older than format "
              + FileFormat.FORMAT_VERSION
              + " that this version of onelog reads, and it was opened read-only, so it was not"
              + " upgraded; it was not modified. Opening it once for writing upgrades it in place,"
              + " in one transaction: OneLog.open(path) without readOnly(), or 'onelog verify' on"
              + " a writable copy of the file",
          version,
          FileFormat.FORMAT_VERSION);
    }
  }

  private static void checkAccess(Path path) {
    Path directory = path.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw new FileAccessException(
          "directory "
              + directory
              + " does not exist; create it first, or choose a path in an existing directory");
    }
    if (Files.isDirectory(path)) {
      throw new FileAccessException(
          path
              + " is a directory; a log is a file: choose a file path such as "
              + path.resolve("onelog.db"));
    }
    if (Files.exists(path) && isReadOnly(path)) {
      throw new FileAccessException(
          path
              + " is read-only; a log is opened for appending: make it writable (chmod u+w "
              + path
              + ")");
    }
    if (!Files.exists(path) && !Files.isWritable(directory)) {
      throw new FileAccessException(
          "directory " + directory + " is read-only; cannot create " + path);
    }
  }

  /** Read-only by its permission bits, checked explicitly because root may write anyway. */
  private static boolean isReadOnly(Path path) {
    if (!Files.isWritable(path)) {
      return true;
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      return !permissions.contains(PosixFilePermission.OWNER_WRITE)
          && !permissions.contains(PosixFilePermission.GROUP_WRITE)
          && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  private static long sizeOf(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new FileAccessException("cannot read the size of " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Looks at an existing, non-empty file through a read-only connection, which never writes or
   * checkpoints, and refuses it unless it is a onelog file of a format no newer than this code
   * reads.
   *
   * @return the file's format version, for the caller to refuse or upgrade an older one
   */
  private static int inspectExisting(Path path, LogOptions options) {
    try (Connection connection = Connections.openReader(path, options.busyTimeout());
        Statement s = connection.createStatement()) {
      int applicationId = intPragma(s, "application_id");
      int version = intPragma(s, "user_version");
      if (applicationId != FileFormat.APPLICATION_ID) {
        throw new NotAOneLogFileException(
            path
                + " is an SQLite database but not a onelog file (application_id "
                + applicationId
                + ", tables "
                + tables(s)
                + "; a onelog file has application_id "
                + FileFormat.APPLICATION_ID
                + "); it was not modified. Choose another path");
      }
      if (version > FileFormat.FORMAT_VERSION) {
        throw new NewerFormatException(
            path
                + " is a onelog file of format "
                + version
                + ", newer than format "
                + FileFormat.FORMAT_VERSION
                + " that this version of onelog reads; it was not"
                + " modified. Upgrade onelog to open it",
            version,
            FileFormat.FORMAT_VERSION);
      }
      return version;
    } catch (SQLException e) {
      throw SqliteErrors.translate(e, path, options.busyTimeout(), "checking the file");
    }
  }

  /** Creates the schema when the file has none; a no-op on a onelog file. */
  private static void initialize(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      if (intPragma(s, "application_id") == FileFormat.APPLICATION_ID) {
        return;
      }
      // These take effect only on a database with no pages yet; they must precede the first table.
      s.execute("PRAGMA page_size=" + FileFormat.PAGE_SIZE_BYTES);
      s.execute("PRAGMA auto_vacuum=INCREMENTAL");
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("BEGIN IMMEDIATE");
      try {
        int applicationId = intPragma(s, "application_id");
        if (applicationId == FileFormat.APPLICATION_ID) {
          s.execute("ROLLBACK"); // another process created it between our check and our lock
          return;
        }
        List<String> tables = tables(s);
        if (applicationId != 0 || !tables.isEmpty()) {
          throw new NotAOneLogFileException(
              "the file became an SQLite database of another application (application_id "
                  + applicationId
                  + ", tables "
                  + tables
                  + ") while onelog opened it; it was not modified");
        }
        for (String ddl : FileFormat.SCHEMA) {
          s.execute(ddl);
        }
        s.execute("PRAGMA application_id=" + FileFormat.APPLICATION_ID);
        s.execute("PRAGMA user_version=" + FileFormat.FORMAT_VERSION);
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(s, e);
        throw e;
      }
    }
  }

  static void rollbackQuietly(Statement s, Throwable primary) {
    try {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        primary.addSuppressed(e);
      }
    }
  }

  private static int intPragma(Statement s, String pragma) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static List<String> tables(Statement s) throws SQLException {
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
