package dev.onelog.internal.write;

import dev.onelog.internal.storage.SqliteErrors;
import java.sql.SQLException;

/**
 * Thrown out of a group commit that met an I/O error (SQLITE_IOERR: a failed write or fsync) after
 * its callers were failed: the writer stops, and the log refuses writes until reopened, because
 * pages the kernel failed to write may be gone from its cache while a later fsync succeeds.
 */
final class WriterIoFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WriterIoFailure(SQLException cause) {
    super(cause);
  }

  /** Throws when {@code failure}, or an exception it was caused by, is an SQLite I/O error. */
  static void throwIfIoError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && SqliteErrors.isIoError(sql)) {
        throw new WriterIoFailure(sql);
      }
    }
  }
}
