package dev.onelog.internal.write;

import dev.onelog.internal.storage.StatementCache;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write transaction of every layer: runs the steps the writer took together in one {@code
 * BEGIN IMMEDIATE} ... {@code COMMIT}, each in a SAVEPOINT of its own, so that many callers share
 * one transaction and one fsync and a failing step fails alone.
 *
 * <pre>
 * BEGIN IMMEDIATE                  fails: every step fails with the transaction (its own exception)
 * for each step, in queue order (a lone step runs without a savepoint; its failure rolls back):
 *   SAVEPOINT step
 *   step.run(tx)                   throws: ROLLBACK TO step; RELEASE step; the step fails alone
 *   RELEASE step                   (when SQLite already ended the transaction, as it may on a full
 *                                   disk or an I/O error, every step fails with the transaction)
 * COMMIT                           fails: ROLLBACK; every step that ran fails with the transaction
 * after-commit actions, then each step that ran is told it committed
 * </pre>
 *
 * Steps are told how they ended through {@link Completions}: a transaction with many callers is
 * completed on the completer thread, in order, while the writer begins the next.
 *
 * <p>Nothing is acknowledged before {@code COMMIT} returned. An {@link Error} (out of memory) rolls
 * the transaction back and propagates: the writer stops and fails every request it holds.
 *
 * <p>Not thread-safe: the writer thread's alone.
 */
final class GroupCommit {
  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  private final StatementCache statements;
  private final WriteFailures failures;
  private final Clock clock;
  private final AppendStep inStepAppends;
  private final Completions completions;

  GroupCommit(
      StatementCache statements,
      WriteFailures failures,
      Clock clock,
      AppendStep inStepAppends,
      Completions completions) {
    this.statements = statements;
    this.failures = failures;
    this.clock = clock;
    this.inStepAppends = inStepAppends;
    this.completions = completions;
  }

  /**
   * Runs the steps in one transaction and tells each how it ended.
   *
   * @return true when the transaction committed (even if some steps failed alone); false when it
   *     failed, or when every step failed alone and it was rolled back
   */
  boolean run(List<? extends TransactionStep> steps) {
    try {
      statements.get("BEGIN IMMEDIATE").execute();
    } catch (SQLException | RuntimeException e) {
      statements.invalidate(e);
      failAll(steps, 0, e);
      return false;
    }
    // The time once the write lock is held: a wait for another process's transaction must not
    // count against a heartbeat this transaction writes.
    StepContext tx = new StepContext(statements, clock.millis(), inStepAppends);
    boolean[] ran = new boolean[steps.size()];
    boolean anyRan = false;
    // A lone step needs no savepoint: the transaction's rollback undoes it just as well, and a
    // light load (one synchronous caller) is spared two statements per commit.
    boolean savepoints = steps.size() > 1;
    int index = 0;
    try {
      for (; index < steps.size(); index++) {
        TransactionStep step = steps.get(index);
        int mark = tx.afterCommitCount();
        if (savepoints) {
          statements.get("SAVEPOINT step").execute();
        }
        try {
          step.run(tx);
        } catch (SQLException | RuntimeException e) {
          tx.dropAfterCommitFrom(mark);
          if (!savepoints) {
            if (e instanceof SQLException) {
              statements.invalidate(e);
            }
            rollback(e);
            complete(List.of(step), () -> step.failedAlone(e, failures));
            WriterIoFailure.throwIfIoError(e);
            return false;
          }
          if (!rollbackToSavepoint(e)) {
            // SQLite ended the whole transaction (a full disk, an I/O error): nothing commits.
            rollback(e);
            failRan(steps, ran, e);
            failAll(steps, index, e);
            WriterIoFailure.throwIfIoError(e);
            return false;
          }
          complete(List.of(step), () -> step.failedAlone(e, failures));
          continue;
        }
        if (savepoints) {
          statements.get("RELEASE step").execute();
        }
        ran[index] = true;
        anyRan = true;
      }
      if (!anyRan) {
        // Every step failed alone: nothing to commit, and no empty commit to write or fsync.
        rollback(null);
        return false;
      }
      statements.get("COMMIT").execute();
    } catch (SQLException | RuntimeException e) {
      rollback(e);
      statements.invalidate(e);
      failRan(steps, ran, e);
      failAll(steps, index, e); // the step whose SAVEPOINT or RELEASE failed, and the rest
      WriterIoFailure.throwIfIoError(e);
      return false;
    } catch (Error e) {
      rollback(e);
      statements.invalidate(e);
      throw e;
    } finally {
      if (tx.isSchemaChanged()) {
        try {
          statements.clear(); // statements on dropped tables would otherwise linger
        } catch (SQLException e) {
          log.warn("closing cached statements failed", e);
        }
      }
    }
    for (Runnable action : tx.afterCommitActions()) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.error("an after-commit action failed; the transaction is committed", e);
      }
    }
    complete(
        steps,
        () -> {
          for (int i = 0; i < steps.size(); i++) {
            if (ran[i]) {
              steps.get(i).committed();
            }
          }
        });
    return true;
  }

  /**
   * Undoes a failed step's changes and drops its savepoint.
   *
   * @return false when the transaction itself is gone (SQLite rolled it back)
   */
  private boolean rollbackToSavepoint(Throwable primary) {
    if (primary instanceof SQLException) {
      statements.invalidate(primary);
    }
    try {
      statements.get("ROLLBACK TO step").execute();
      statements.get("RELEASE step").execute();
      return true;
    } catch (SQLException e) {
      primary.addSuppressed(e);
      return false;
    }
  }

  private void rollback(Throwable primary) {
    try {
      statements.get("ROLLBACK").execute();
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no transaction is active")) {
        return;
      }
      if (primary == null) {
        throw new dev.onelog.StorageException("ROLLBACK failed: " + e.getMessage(), e);
      }
      primary.addSuppressed(e);
    }
  }

  private void failRan(List<? extends TransactionStep> steps, boolean[] ran, Throwable cause) {
    complete(
        steps,
        () -> {
          for (int i = 0; i < steps.size(); i++) {
            if (ran[i]) {
              steps.get(i).failedWithTransaction(cause, failures);
            }
          }
        });
  }

  private void failAll(List<? extends TransactionStep> steps, int from, Throwable cause) {
    complete(
        steps,
        () -> {
          for (int i = from; i < steps.size(); i++) {
            steps.get(i).failedWithTransaction(cause, failures);
          }
        });
  }

  /**
   * Tells steps how they ended, through {@link Completions}: on the writer now, or in order on the
   * completer thread when they complete many callers. The writer's maintenance steps (no callers)
   * are always told at once, on the writer.
   */
  private void complete(List<? extends TransactionStep> steps, Runnable completion) {
    int callers = 0;
    for (TransactionStep step : steps) {
      if (step.callers() == 0) {
        completion.run(); // a maintenance step commits alone: it ends on the writer thread
        return;
      }
      callers += step.callers();
    }
    completions.complete(callers, completion);
  }
}
