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
import java.sql.SQLException;
import java.sql.Statement;
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

  /**
   * Returns the writer connection of a checked file; a new file (missing, empty, or an SQLite
   * database without a single table) has its {@link FileFormat#NEW_FILE_PRAGMAS} applied. The
   * schema itself is created, or an older format upgraded, by the writer's first step ({@link
   * FileSetup}).
   */
  public static Connection openWriter(LogOptions options) {
    Path path = options.path().toAbsolutePath();
    checkAccess(path);
    boolean fresh = !Files.exists(path) || sizeOf(path) == 0;
    if (!fresh) {
      fresh = inspectExisting(path, options, true) == NO_TABLES;
    }
    Connection connection = null;
    try {
      connection = Connections.openWriter(options);
      if (fresh) {
        prepareNewFile(connection);
      }
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
   * Gives a file without tables onelog's page size, auto-vacuum mode and WAL mode. Each pragma
   * commits on its own, so a crash between them leaves a file without tables, which the next open
   * takes as new again. An SQLite file created elsewhere with another page size is rebuilt (a
   * VACUUM of an empty database) first, since WAL mode fixes the page size.
   */
  private static void prepareNewFile(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      if (!FileSetup.tables(s).isEmpty()) {
        return; // another process created the schema meanwhile; FileSetup checks it
      }
      for (String pragma : FileFormat.NEW_FILE_PRAGMAS) {
        s.execute(pragma);
      }
      if (FileSetup.intPragma(s, "page_size") != FileFormat.PAGE_SIZE_BYTES
          || FileSetup.intPragma(s, "auto_vacuum") != 2) {
        s.execute("PRAGMA journal_mode=DELETE");
        s.execute("PRAGMA page_size=" + FileFormat.PAGE_SIZE_BYTES);
        s.execute("PRAGMA auto_vacuum=INCREMENTAL");
        s.execute("VACUUM");
        s.execute("PRAGMA journal_mode=WAL");
      }
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
    int version = inspectExisting(path, options, false);
    if (version == NO_TABLES) {
      throw new NotAOneLogFileException(
          path
              + " is an SQLite database without tables, so not yet a onelog file (a crash during"
              + " its first open leaves one); open it without readOnly() to create the log");
    }
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

  /** {@link #inspectExisting}'s answer for an SQLite file without any table. */
  static final int NO_TABLES = -1;

  /**
   * Looks at an existing, non-empty file through a read-only connection, which never writes or
   * checkpoints, and refuses it unless it is a onelog file of a format no newer than this code
   * reads, or an SQLite file without any table (which has nothing to protect: a crash during the
   * first open of a new file leaves one). When the log is opened to write and the read-only look
   * fails because the file needs recovery that only a writer can do (a rollback journal left behind
   * by a crash), it looks again through a read-write connection, which recovers it.
   *
   * @return the file's format version, or {@link #NO_TABLES}
   */
  static int inspectExisting(Path path, LogOptions options, boolean forWriting) {
    try {
      return inspect(Connections.openReader(path, options.busyTimeout()), path);
    } catch (SQLException e) {
      if (forWriting && SqliteErrors.isReadOnly(e)) {
        try {
          return inspect(Connections.openExisting(path, options.busyTimeout()), path);
        } catch (SQLException again) {
          again.addSuppressed(e);
          throw SqliteErrors.translate(again, path, options.busyTimeout(), "checking the file");
        }
      }
      throw SqliteErrors.translate(e, path, options.busyTimeout(), "checking the file");
    }
  }

  private static int inspect(Connection opened, Path path) throws SQLException {
    try (Connection connection = opened;
        Statement s = connection.createStatement()) {
      int applicationId = FileSetup.intPragma(s, "application_id");
      int version = FileSetup.intPragma(s, "user_version");
      List<String> tables = FileSetup.tables(s);
      if (applicationId == 0 && tables.isEmpty()) {
        return NO_TABLES;
      }
      if (applicationId != FileFormat.APPLICATION_ID) {
        throw new NotAOneLogFileException(
            path
                + " is an SQLite database but not a onelog file (application_id "
                + applicationId
                + ", tables "
                + tables
                + "; a onelog file has application_id "
                + FileFormat.APPLICATION_ID
                + "); it was not modified. Choose another path");
      }
      if (version > FileFormat.FORMAT_VERSION) {
        throw newer(path, version);
      }
      return version;
    }
  }

  static NewerFormatException newer(Path path, int version) {
    return new NewerFormatException(
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
}
