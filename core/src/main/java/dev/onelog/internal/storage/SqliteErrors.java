package dev.onelog.internal.storage;

import dev.onelog.BusyTimeoutException;
import dev.onelog.CorruptRecordException;
import dev.onelog.DiskFullException;
import dev.onelog.FileAccessException;
import dev.onelog.LogIOException;
import dev.onelog.NotAOneLogFileException;
import dev.onelog.OneLogException;
import dev.onelog.StorageException;
import dev.onelog.TopicPartition;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns an {@link SQLException} into the onelog exception a caller can act on, with the file and
 * the operation in the message. The one place that knows SQLite's result codes; no {@code
 * SQLException} leaves the library any other way.
 */
public final class SqliteErrors {
  private SqliteErrors() {}

  /** SQLite's primary result codes (the low byte of an extended code). */
  private static final int SQLITE_BUSY = 5;

  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_NOTADB = 26;

  /**
   * @param path the log's file
   * @param busyTimeout the timeout that was in force, for the busy message
   * @param doing what was being done, as "while ..." completes it: "appending to orders-0"
   */
  public static OneLogException translate(
      SQLException e, Path path, Duration busyTimeout, String doing) {
    return translate(e, path, busyTimeout, doing, List.of());
  }

  /**
   * As {@link #translate(SQLException, Path, Duration, String)}, for a write to these partitions:
   * the exception carries them.
   */
  public static OneLogException translate(
      SQLException e,
      Path path,
      Duration busyTimeout,
      String doing,
      List<TopicPartition> partitions) {
    int code = primaryCode(e);
    return switch (code) {
      case SQLITE_FULL ->
          new DiskFullException(
              "disk full while "
                  + doing
                  + " in "
                  + path
                  + " (or the log's maxFileSize was reached): nothing of this write was committed;"
                  + " free space and retry",
              e,
              partitions);
      case SQLITE_BUSY, SQLITE_LOCKED ->
          new BusyTimeoutException(
              "another connection held the write lock on "
                  + path
                  + " for longer than the busy timeout of "
                  + busyTimeout.toMillis()
                  + " ms while "
                  + doing
                  + "; nothing was committed. Retry, or raise busyTimeout if writers hold the lock this long",
              e,
              partitions);
      case SQLITE_IOERR ->
          new LogIOException(
              "an I/O error ("
                  + e.getMessage()
                  + ") while "
                  + doing
                  + " in "
                  + path
                  + ": this write may or may not be in the file, and the log refuses every later"
                  + " write until it is closed and opened again; check the disk",
              e,
              partitions);
      case SQLITE_READONLY ->
          new FileAccessException(
              path
                  + " is read-only ("
                  + e.getMessage()
                  + ") while "
                  + doing
                  + "; make the file and its directory writable",
              e);
      case SQLITE_CANTOPEN ->
          new FileAccessException(
              "cannot open "
                  + path
                  + " while "
                  + doing
                  + " ("
                  + e.getMessage()
                  + "); check that the directory exists and is writable",
              e);
      case SQLITE_CORRUPT ->
          new CorruptRecordException(
              path
                  + " is damaged: SQLite found its pages malformed while "
                  + doing
                  + " ("
                  + e.getMessage()
                  + "). Run 'onelog verify' to list what is damaged, or restore the file from a"
                  + " backup",
              e);
      case SQLITE_NOTADB ->
          new NotAOneLogFileException(
              path
                  + " is not an SQLite database, so not a onelog file; choose another path. If it"
                  + " was a onelog file, its first page (SQLite's header) is damaged: restore it"
                  + " from a backup",
              e);
      default ->
          new StorageException(
              "SQLite failed while " + doing + " in " + path + ": " + e.getMessage(),
              e,
              partitions);
    };
  }

  /**
   * True when the error is SQLite's "no such table", as when a topic was deleted by another
   * process.
   */
  public static boolean isNoSuchTable(SQLException e) {
    return e.getMessage() != null && e.getMessage().contains("no such table");
  }

  /** True for SQLITE_IOERR and its extended codes: the operating system failed a read or write. */
  public static boolean isIoError(SQLException e) {
    return primaryCode(e) == SQLITE_IOERR;
  }

  /** True for SQLITE_CORRUPT and its extended codes: SQLite found the file's pages malformed. */
  public static boolean isCorrupt(SQLException e) {
    return primaryCode(e) == SQLITE_CORRUPT;
  }

  /**
   * True for SQLITE_READONLY and its extended codes, such as a hot journal a reader can't roll
   * back.
   */
  public static boolean isReadOnly(SQLException e) {
    return primaryCode(e) == SQLITE_READONLY;
  }

  static int primaryCode(SQLException e) {
    if (e instanceof SQLiteException sqlite) {
      SQLiteErrorCode code = sqlite.getResultCode();
      if (code != null) {
        return code.code & 0xFF;
      }
    }
    return e.getErrorCode() & 0xFF;
  }
}
