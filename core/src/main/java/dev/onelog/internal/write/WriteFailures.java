package dev.onelog.internal.write;

import dev.onelog.LogIOException;
import dev.onelog.OneLogException;
import dev.onelog.TopicPartition;
import dev.onelog.internal.storage.SqliteErrors;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Turns the failure of a write transaction into one exception per caller: the same SQLite error
 * becomes a new {@link OneLogException} for each request of the group commit, naming that caller's
 * partitions (or its operation) and carrying the original as its cause, so that no exception
 * instance is shared between threads. Thread-safe (immutable).
 */
public final class WriteFailures {
  private final Path path;
  private final Duration busyTimeout;

  public WriteFailures(Path path, Duration busyTimeout) {
    this.path = path;
    this.busyTimeout = busyTimeout;
  }

  /**
   * An exception of its own for one caller of a failed transaction.
   *
   * @param doing what the caller asked for, as "while ..." completes it
   * @param partitions the partitions it wrote to, or an empty list
   */
  public RuntimeException forCaller(
      Throwable cause, String doing, List<TopicPartition> partitions) {
    if (cause instanceof SQLException sql) {
      return SqliteErrors.translate(sql, path, busyTimeout, doing, partitions);
    }
    if (cause instanceof dev.onelog.LogClosedException closed) {
      return new dev.onelog.LogClosedException(closed.getMessage() + " (while " + doing + ")");
    }
    return new OneLogException(
        "the write transaction failed while " + doing + " in " + path + ": " + cause, cause);
  }

  /** Why a write is refused once the writer stopped: closed, or {@link #writerStopped}. */
  public OneLogException refused(Throwable failure) {
    return failure == null
        ? new dev.onelog.LogClosedException(
            "the log " + path + " is closed; open it again to append")
        : writerStopped(failure);
  }

  /**
   * Why the log refuses writes after its writer stopped on {@code failure}: an I/O error ({@link
   * LogIOException}, until the log is reopened) or an Error (out of memory).
   */
  public OneLogException writerStopped(Throwable failure) {
    if (failure instanceof SQLException io) {
      return new LogIOException(
          "the log "
              + path
              + " refuses writes since an I/O error ("
              + io.getMessage()
              + "): what the kernel failed to write may be lost from its cache, so nothing more is"
              + " acknowledged; check the disk, then close the log and open it again",
          io);
    }
    return new OneLogException(
        "the writer of " + path + " stopped after " + failure + "; close the log and open it again",
        failure);
  }

  /** An SQLite error that the step itself caused, translated once for its one caller. */
  public RuntimeException own(Throwable cause, String doing, List<TopicPartition> partitions) {
    if (cause instanceof SQLException sql) {
      return SqliteErrors.translate(sql, path, busyTimeout, doing, partitions);
    }
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new OneLogException(cause.toString(), cause);
  }
}
