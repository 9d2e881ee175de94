package dev.onelog.internal.write;

import java.sql.SQLException;

/**
 * One step of a group commit as {@link GroupCommit} drives it: run inside its savepoint, then told
 * whether the transaction committed. Exactly one of {@link #committed}, {@link #failedAlone} and
 * {@link #failedWithTransaction} is called, once. Not thread-safe: the writer thread's alone.
 */
interface TransactionStep {
  void run(StepContext tx) throws SQLException;

  /** The transaction that ran this step committed: complete its callers. */
  void committed();

  /**
   * The step threw, and its savepoint was rolled back; the rest of the transaction goes on. {@code
   * cause} is the step's own failure: hand it to its caller as it is.
   */
  void failedAlone(Throwable cause, WriteFailures failures);

  /**
   * The transaction as a whole failed (BEGIN, COMMIT, or an error that ended it), so nothing of
   * this step was committed. {@code cause} is shared by every step of the transaction: each caller
   * must get an exception of its own (see {@link WriteFailures#forCaller}).
   */
  void failedWithTransaction(Throwable cause, WriteFailures failures);

  /**
   * How many callers' futures the step completes when it ends, so that a transaction with many is
   * completed off the writer thread ({@link Completions}); 0 for the writer's own maintenance,
   * which must end on the writer thread.
   */
  default int callers() {
    return 1;
  }
}
