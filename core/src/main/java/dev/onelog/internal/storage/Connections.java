package dev.onelog.internal.storage;

import dev.onelog.Durability;
import dev.onelog.internal.LogOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/**
 * Opens SQLite connections to a log file with the pragmas each role needs. Every connection runs
 * with autocommit on, so that transactions are begun explicitly with {@code BEGIN IMMEDIATE}: a
 * deferred {@code BEGIN} that later upgrades to a write fails at once with SQLITE_BUSY when another
 * process writes, instead of waiting for the lock.
 */
public final class Connections {
  private Connections() {}

  /**
   * WAL size after a checkpoint is truncated back to this, so that a log that never stops writing
   * keeps a bounded -wal file.
   */
  static final long JOURNAL_SIZE_LIMIT_BYTES = 64L << 20;

  /**
   * Pages of WAL after which a commit checkpoints: 128 pages of 16 KiB, 2 MiB, instead of SQLite's
   * 1000. Small commits rewrite whole 16 KiB pages, so at 10,000 records/s in NORMAL mode 1000
   * pages filled in a tenth of a second, and the checkpoint's fsync of those 16 MiB stalled the
   * commit: p99 send-to-poll latency 10 ms, 2 ms with 128 pages. Bulk appends measured the same
   * either way (docs/BENCHMARKS.md). Once the writer thread starts its checkpointer, it turns this
   * off (the writer's {@code Checkpointer}); it stays only should that fail.
   */
  static final int WAL_AUTOCHECKPOINT_PAGES = 128;

  /** The writer's page cache, in KiB (SQLite's negative cache_size unit). */
  static final int WRITER_CACHE_KIB = 32 * 1024;

  /** The one read-write connection of an open log; only the writer thread uses it. */
  public static Connection openWriter(LogOptions options) throws SQLException {
    Connection connection = open(options.path(), options.busyTimeout(), false);
    try (Statement s = connection.createStatement()) {
      s.execute(
          "PRAGMA synchronous=" + (options.durability() == Durability.FSYNC ? "FULL" : "NORMAL"));
      s.execute("PRAGMA cache_size=-" + WRITER_CACHE_KIB);
      s.execute("PRAGMA journal_size_limit=" + JOURNAL_SIZE_LIMIT_BYTES);
      s.execute("PRAGMA temp_store=MEMORY");
      s.execute("PRAGMA wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES);
      if (options.maxFileSizeBytes() > 0) {
        s.execute(
            "PRAGMA max_page_count="
                + Math.max(1, options.maxFileSizeBytes() / FileFormat.PAGE_SIZE_BYTES));
      }
    } catch (SQLException e) {
      closeQuietly(connection, e);
      throw e;
    }
    return connection;
  }

  /**
   * The connection of the writer's checkpointer thread: read-write, so that it can copy the WAL
   * into the file, with the writer's {@code synchronous} level, which sets the checkpoint's fsyncs.
   * It never begins a transaction.
   */
  public static Connection openCheckpointer(LogOptions options) throws SQLException {
    Connection connection = open(options.path(), options.busyTimeout(), false);
    try (Statement s = connection.createStatement()) {
      s.execute(
          "PRAGMA synchronous=" + (options.durability() == Durability.FSYNC ? "FULL" : "NORMAL"));
    } catch (SQLException e) {
      closeQuietly(connection, e);
      throw e;
    }
    return connection;
  }

  /**
   * A connection for reads, opened read-only: it can never write, and never checkpoints, so the
   * writer's connection stays the one that checkpoints when the log closes.
   *
   * <p>No {@code mmap_size}: a file cut short under a mapping, or a disk error, would kill the JVM
   * with SIGBUS (tried: it does) where {@code pread} gives an error to report, and the scan it was
   * meant to speed up measured no faster; nor a larger {@code cache_size}, since a scan reads each
   * page once (docs/BENCHMARKS.md, "Scan").
   */
  public static Connection openReader(Path path, Duration busyTimeout) throws SQLException {
    return open(path, busyTimeout, true);
  }

  /** Opens an existing file read-write, never creating it; for recovery of a crashed file. */
  static Connection openExisting(Path path, Duration busyTimeout) throws SQLException {
    SQLiteConfig config = config(busyTimeout);
    config.resetOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
    return DriverManager.getConnection(url(path), config.toProperties());
  }

  private static Connection open(Path path, Duration busyTimeout, boolean readOnly)
      throws SQLException {
    SQLiteConfig config = config(busyTimeout);
    if (readOnly) {
      config.setReadOnly(true);
    }
    return DriverManager.getConnection(url(path), config.toProperties());
  }

  /**
   * The settings every connection shares. sqlite-jdbc runs {@code SELECT last_insert_rowid()} as a
   * newly prepared statement after every INSERT for {@code getGeneratedKeys}, which onelog never
   * calls. JFR put 64 of 356 writer samples of key indexing in that prepare; turned off, the
   * catch-up after a 2M-record burst measured the same within the noise (1.3 s a generation), so
   * the time is elsewhere, but the work was wasted.
   */
  private static SQLiteConfig config(Duration busyTimeout) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
    config.setGetGeneratedKeys(false);
    return config;
  }

  private static String url(Path path) {
    return "jdbc:sqlite:" + path.toAbsolutePath();
  }

  /** Closes after a failure, keeping the close's own failure as suppressed. */
  public static void closeQuietly(AutoCloseable closeable, Throwable primary) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }
}
