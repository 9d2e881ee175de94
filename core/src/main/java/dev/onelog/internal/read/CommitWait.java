package dev.onelog.internal.read;

import dev.onelog.internal.LogContext;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.write.CommitSignal;
import java.sql.SQLException;

/**
 * One poll's wait for a commit: this process's, through the {@link CommitSignal}, or another
 * process's, announced through the wake file (which also ends the signal's wait) or, failing that,
 * noticed through {@code PRAGMA data_version}, looked at whenever a wait of {@link
 * PartitionFetcher#MIN_WAIT_MS} ms, doubling up to {@link PartitionFetcher#MAX_WAIT_MS} ms, ends
 * with nothing. The first time it notices another process's commit, it asks the log to watch the
 * wake file from then on ({@link dev.onelog.internal.wake.WakeUp#watchOthers}), once it is sure the
 * commit was not this process's own (see {@link #notThisProcess}).
 *
 * <p>Not thread-safe: one per poll, on the polling thread.
 */
final class CommitWait {
  /** What ended a wait. */
  enum Outcome {
    /** The wait's time ran out and no other process committed. */
    NOTHING,
    /** This process committed (or the log or consumer closed, which wakes as a commit does). */
    COMMITTED_HERE,
    /** Another process committed: {@code data_version} moved. */
    COMMITTED_ELSEWHERE
  }

  /**
   * For tests only: when set ({@code -Donelog.test.fallbackPollMs=2000}), every wait between looks
   * at {@code data_version} lasts that long, so that a test can tell a wake-up through the wake
   * file from the poll's. Read once.
   */
  private static final long FIXED_WAIT_MS = Long.getLong("onelog.test.fallbackPollMs", 0);

  /** How long this process's writer may take to tell the signal of a commit; see notThisProcess. */
  private static final long OWN_COMMIT_GRACE_NANOS = 50_000_000;

  private final LogContext context;
  private final StatementCache reader;
  private final boolean seesOtherProcesses;
  private long waitMs = FIXED_WAIT_MS > 0 ? FIXED_WAIT_MS : PartitionFetcher.MIN_WAIT_MS;
  private long seenCommit;
  private long seenOthersCommits;
  private long seenDataVersion;

  CommitWait(LogContext context, StatementCache reader, boolean seesOtherProcesses) {
    this.context = context;
    this.reader = reader;
    this.seesOtherProcesses = seesOtherProcesses;
  }

  /** Remembers where the commits stand; call before looking for records. */
  void look() throws SQLException {
    CommitSignal signal = context.signal();
    seenCommit = signal.version();
    seenOthersCommits = signal.othersCommits();
    seenDataVersion = PartitionReader.dataVersion(reader);
  }

  /**
   * Waits up to {@code remainingNanos}, and no longer than the poll interval, for a commit after
   * the last {@link #look}.
   */
  Outcome await(long remainingNanos) throws InterruptedException, SQLException {
    long startNanos = System.nanoTime();
    CommitSignal signal = context.signal();
    boolean woken = signal.awaitAfter(seenCommit, Math.min(remainingNanos, waitMs * 1_000_000));
    boolean announced = signal.othersCommits() != seenOthersCommits;
    if (seesOtherProcesses
        && (!woken || announced)
        && PartitionReader.dataVersion(reader) != seenDataVersion) {
      if (!woken
          && !context.wakeUp().askedToWatch()
          && notThisProcess(startNanos, remainingNanos)) {
        context.wakeUp().watchOthers();
      }
      return Outcome.COMMITTED_ELSEWHERE;
    }
    if (woken) {
      return Outcome.COMMITTED_HERE;
    }
    if (FIXED_WAIT_MS == 0) {
      waitMs = Math.min(waitMs * 2, PartitionFetcher.MAX_WAIT_MS);
    }
    return Outcome.NOTHING;
  }

  /**
   * Whether the {@code data_version} change a wait found, with the signal still, was another
   * process's commit. This process's writer changes {@code data_version} at its commit and tells
   * the signal only after, once the commit's few callers were completed (their callbacks run there)
   * and on a busy machine after the writer thread waited for a core: the bench's in-process
   * consumer, without this, took its own writer for another process and made it announce every
   * commit. So the signal gets up to {@link #OWN_COMMIT_GRACE_NANOS} (no longer than the poll has
   * left) to move; asked only until the log watches.
   */
  private boolean notThisProcess(long startNanos, long remainingNanos) throws InterruptedException {
    long graceNanos =
        Math.min(OWN_COMMIT_GRACE_NANOS, remainingNanos - (System.nanoTime() - startNanos));
    return graceNanos > 0 && !context.signal().awaitAfter(seenCommit, graceNanos);
  }
}
