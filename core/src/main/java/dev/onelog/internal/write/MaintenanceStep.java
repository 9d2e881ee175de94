package dev.onelog.internal.write;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A maintenance task's run ({@link Maintenance}: group heartbeats, retention, compaction and vacuum
 * slices), as a step of the group commit. It completes no caller: it ends on the writer thread,
 * always in a transaction of its own. Not thread-safe: the writer thread's alone.
 */
final class MaintenanceStep implements TransactionStep {
  final Maintenance task;

  MaintenanceStep(Maintenance task) {
    this.task = task;
  }

  /** A step for each task due at {@code nowNanos}, in the tasks' order. */
  static List<MaintenanceStep> due(List<Maintenance> tasks, long nowNanos) {
    List<MaintenanceStep> due = new ArrayList<>();
    for (Maintenance task : tasks) {
      long dueAt = task.dueAtNanos();
      if (dueAt != Long.MAX_VALUE && dueAt - nowNanos <= 0) {
        due.add(new MaintenanceStep(task));
      }
    }
    return due;
  }

  /** False when every step was maintenance that only looked (a cleaner with nothing to do). */
  /** When the first of {@code tasks} is due, or {@code Long.MAX_VALUE} when none is. */
  static long nextDueNanos(List<Maintenance> tasks) {
    long next = Long.MAX_VALUE;
    for (Maintenance task : tasks) {
      long due = task.dueAtNanos();
      if (due != Long.MAX_VALUE && (next == Long.MAX_VALUE || due - next < 0)) {
        next = due;
      }
    }
    return next;
  }

  static boolean changedSomething(List<TransactionStep> steps) {
    for (TransactionStep step : steps) {
      if (!(step instanceof MaintenanceStep maintenance) || !maintenance.task.changedNothing()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run(StepContext tx) throws SQLException {
    task.run(tx);
  }

  @Override
  public void committed() {
    task.committed();
  }

  @Override
  public void failedAlone(Throwable cause, WriteFailures failures) {
    task.failed(failures.own(cause, "running " + task, List.of()));
  }

  @Override
  public void failedWithTransaction(Throwable cause, WriteFailures failures) {
    task.failed(failures.forCaller(cause, "running " + task, List.of()));
  }

  @Override
  public int callers() {
    return 0; // the writer's own: it ends on the writer thread
  }
}
