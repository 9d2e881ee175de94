package dev.onelog.internal.write;

import java.sql.SQLException;

/**
 * Work the writer runs by itself when it is due: group heartbeats, retention and compaction slices,
 * the event store's index. Each run is the lone step of a transaction of its own, right after the
 * callers' group commit (or alone when the log is idle: the writer waits for its queue only until
 * the next task is due), and must do a bounded amount of work, so that appends queued behind it
 * wait for little. Methods are called on the writer thread.
 */
public interface Maintenance {
  /** When the task is next due, as a {@link System#nanoTime()} value; Long.MAX_VALUE for never. */
  long dueAtNanos();

  /** Does the work inside the transaction's savepoint. */
  void run(StepContext tx) throws SQLException;

  /**
   * True when the last {@link #run} changed nothing in the file (it only looked): the writer then
   * neither wakes the log's pollers nor counts the commit as new work for its idle checkpoint.
   */
  default boolean changedNothing() {
    return false;
  }

  /** The transaction that ran {@link #run} committed. */
  default void committed() {}

  /** The run failed (alone or with its transaction); nothing of it was committed. */
  void failed(RuntimeException cause);
}
