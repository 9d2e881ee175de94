package dev.onelog.internal.write;

import java.sql.SQLException;

/**
 * Work the writer runs by itself when it is due, inside the group commit when callers are writing
 * and in a transaction of its own when the log is idle (the writer waits for its queue only until
 * the next task is due): group heartbeats now, retention and compaction slices later. Each run is a
 * step in its own savepoint and must do a bounded amount of work, so that appends sharing its
 * transaction wait for little. Methods are called on the writer thread.
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
