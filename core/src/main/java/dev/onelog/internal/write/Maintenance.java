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

  /**
   * True when what {@link #run} writes can be redone from what the file already holds (an index, a
   * compaction slice): in {@link dev.onelog.Durability#FSYNC} mode its commit then skips the fsync
   * ({@code synchronous=NORMAL} for that commit alone). The WAL is written in order, so the next
   * fsynced commit, or the idle checkpoint a second later, makes it durable too; a power cut before
   * either loses only work that the next run does again. An append that arrives during a short
   * slice otherwise waits for the slice's fsync too (docs/BENCHMARKS.md). False by default: a task
   * whose writes others act on (a group's session expiry) keeps every commit fsynced.
   */
  default boolean redoable() {
    return false;
  }

  /** The transaction that ran {@link #run} committed. */
  default void committed() {}

  /** The run failed (alone or with its transaction); nothing of it was committed. */
  void failed(RuntimeException cause);
}
