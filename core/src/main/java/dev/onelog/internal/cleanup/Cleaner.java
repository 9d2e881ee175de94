package dev.onelog.internal.cleanup;

import dev.onelog.CleanupReport;
import dev.onelog.CorruptRecordException;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.write.Maintenance;
import dev.onelog.internal.write.StepContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention, compaction and incremental vacuum as bounded slices of the writer's work, with no
 * thread of their own: the writer runs a slice when one is due, in a transaction of its own after
 * the callers' group commit ({@link Maintenance}). A slice examines at most {@link Budget#records}
 * records or runs about {@link Budget#nanos}, then the rest waits for the next one, so appends
 * queued behind it wait for little. While work remains, slices come at most every other moment of
 * the writer's time; when none does, the cleaner looks again after {@link #CHECK_INTERVAL_NANOS}.
 *
 * <p>Everything a slice decides from is read from the file inside its transaction (cleaner points,
 * counters, settings), so processes sharing the file take turns through SQLite's write lock, a
 * slice cut short by a crash leaves nothing half done, and whichever process runs next resumes
 * where the file says. Kept in memory, per process: each partition's compaction pass under way
 * ({@link CompactionPass}: Kafka's pass covers the dirty section as it was when the pass began; a
 * pass lost with its process is begun again) and the partitions found damaged, which are left alone
 * until the log is reopened.
 *
 * <p>Not thread-safe: every method runs on the writer thread, except {@link #dueAtNanos}, which
 * reads a volatile.
 */
public final class Cleaner implements Maintenance {
  private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

  static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Free pages below this are left to appends to reuse; above, vacuum gives them back. */
  static final int VACUUM_THRESHOLD_PAGES = 64;

  /**
   * How much one slice may do: at most {@code records} records examined, about {@code nanos} of the
   * writer's time, taken {@code unit} records (or keys) at a time between deadline checks, and at
   * most {@code vacuumPages} pages given back; then at least {@code gapNanos} (or as long as the
   * slice took, if longer) before the next background slice.
   */
  record Budget(int records, long nanos, int unit, int vacuumPages, long gapNanos) {
    /**
     * A background slice: about a quarter of a millisecond, then as long again for appends.
     * Measured at 10,000 appends a second (docs/BENCHMARKS.md, "append p99 while cleaning"): with
     * slices of 1,000 records or 1 ms taken 256 at a time, the append p99 was 1.9x that without
     * cleaning, because one append in ten arrived during a slice and waited for the rest of it; at
     * 200 records or 250 us taken 64 at a time, 1.3 to 1.4x, and the cleaner still keeps a dirty
     * ratio of 0.5.
     */
    static final Budget BACKGROUND =
        new Budget(
            200, TimeUnit.MICROSECONDS.toNanos(250), 64, 256, TimeUnit.MICROSECONDS.toNanos(250));

    /**
     * A slice while a partition's unindexed records are past {@link #MAX_UNINDEXED_RECORDS}: the
     * key index must catch up before {@code latest} gets slow. Meant to slow appends down as an LSM
     * tree stalls writes; measured, one such slice per group commit does not hold a burst back yet
     * (docs/BENCHMARKS.md).
     */
    static final Budget URGENT = new Budget(10_000, TimeUnit.MILLISECONDS.toNanos(10), 256, 256, 0);

    /** A slice of {@code onelog compact}: larger, still short enough to let appends through. */
    static final Budget FORCED =
        new Budget(20_000, TimeUnit.MILLISECONDS.toNanos(25), 256, 4_096, 0);
  }

  private record PartitionKey(long topicId, int partition) {}

  /** Compaction passes under way, by partition. */
  private final Map<PartitionKey, CompactionPass> passes = new HashMap<>();

  /** Key index generations under way, by partition. */
  private final Map<PartitionKey, IndexGeneration> generations = new HashMap<>();

  /** Each compacted partition's next offset when last seen, and since when: {offset, nanos}. */
  private final Map<PartitionKey, long[]> lastSeen = new HashMap<>();

  private final Set<PartitionKey> damaged = new HashSet<>();

  /** Where the next slice starts in the list of partitions, so that every one gets its turn. */
  private int rotation;

  private volatile long dueAtNanos = System.nanoTime();

  private String lastFailure;

  /**
   * Unindexed records a partition may have before indexing slows appends down: twice a generation,
   * so that {@code latest} scans at most about this many records.
   */
  static final long MAX_UNINDEXED_RECORDS = 2L * IndexGeneration.MAX_KEYS;

  /** The last slice saw a partition past {@link #MAX_UNINDEXED_RECORDS}; writer thread only. */
  private boolean behind;

  /** The last background slice found nothing to do; writer thread only. */
  private boolean idle;

  @Override
  public long dueAtNanos() {
    return dueAtNanos;
  }

  @Override
  public void run(StepContext tx) throws SQLException {
    long start = System.nanoTime();
    boolean urgent = behind;
    Budget budget = urgent ? Budget.URGENT : Budget.BACKGROUND;
    Slice slice = slice(tx.statements(), tx.nowMs(), budget, null);
    idle = !slice.changedSomething();
    long elapsed = System.nanoTime() - start;
    dueAtNanos =
        System.nanoTime()
            + (!slice.more
                ? CHECK_INTERVAL_NANOS
                : budget.gapNanos() == 0 ? 0 : Math.max(elapsed, budget.gapNanos()));
  }

  @Override
  public boolean changedNothing() {
    return idle;
  }

  /** Retention, compaction and vacuum only redo what the file's settings call for. */
  @Override
  public boolean redoable() {
    return true;
  }

  @Override
  public void committed() {
    lastFailure = null;
  }

  @Override
  public void failed(RuntimeException cause) {
    forgetWorkUnderWay();
    dueAtNanos = System.nanoTime() + CHECK_INTERVAL_NANOS;
    if (!String.valueOf(cause.getMessage()).equals(lastFailure)) {
      lastFailure = String.valueOf(cause.getMessage());
      log.warn("retention and compaction failed; retrying in a second", cause);
    }
  }

  @Override
  public String toString() {
    return "retention and compaction";
  }

  /** What one slice did, and whether work remains. */
  static final class Slice {
    long batchesDeleted;
    long recordsExamined;
    long recordsRemoved;
    long bytesRemoved;
    long pagesFreed;

    /** Records read into and keys written to key index generations; not reported. */
    long recordsIndexed;

    boolean more;

    boolean changedSomething() {
      return batchesDeleted + recordsExamined + recordsRemoved + pagesFreed + recordsIndexed > 0;
    }

    long work() {
      return recordsExamined + recordsRemoved + recordsIndexed;
    }

    CleanupReport report() {
      return new CleanupReport(
          batchesDeleted, recordsExamined, recordsRemoved, bytesRemoved, pagesFreed);
    }
  }

  /**
   * One slice of {@code onelog compact}: ignores the dirty ratio and the compaction lag, and cleans
   * up to the ends in {@code forcedEnds} (filled with each partition's next offset the first time
   * the forced run sees it, so that it ends even while appends go on).
   */
  Slice forcedSlice(StepContext tx, Map<Object, Long> forcedEnds) throws SQLException {
    try {
      return slice(tx.statements(), tx.nowMs(), Budget.FORCED, forcedEnds);
    } catch (SQLException | RuntimeException e) {
      forgetWorkUnderWay();
      throw e;
    }
  }

  /**
   * Forgets the passes and generations under way after a slice whose transaction did not commit:
   * their progress in memory would be ahead of the file. They begin again from what the file says.
   */
  private void forgetWorkUnderWay() {
    passes.clear();
    generations.clear();
  }

  private Slice slice(
      StatementCache statements, long nowMs, Budget budget, Map<Object, Long> forcedEnds)
      throws SQLException {
    long deadline = System.nanoTime() + budget.nanos();
    Slice slice = new Slice();
    List<PartitionState> states = PartitionState.withCleanup(statements);
    behind = false;
    for (PartitionState state : states) {
      behind |= state.compacted() && state.unindexedRecords() > MAX_UNINDEXED_RECORDS;
    }
    int count = states.size();
    for (int i = 0; i < count; i++) {
      int index = (rotation + i) % count;
      if (slice.work() >= budget.records() || System.nanoTime() - deadline > 0) {
        rotation = index;
        slice.more = true;
        break;
      }
      PartitionState state = states.get(index);
      PartitionKey key = new PartitionKey(state.topic().id(), state.partition());
      if (damaged.contains(key) && forcedEnds == null) {
        continue;
      }
      // No savepoint per partition: SQLite copies every page a savepoint changes into its
      // statement journal first, which doubled a slice's cost. A damaged partition fails the whole
      // slice instead (its transaction rolls back, failed() forgets what was under way), and the
      // next slice leaves the partition alone.
      try {
        clean(statements, state, key, nowMs, budget, deadline, forcedEnds, slice);
      } catch (CorruptRecordException e) {
        if (damaged.add(key)) {
          log.error("{}; run 'onelog verify'", e.getMessage());
        }
        throw e;
      }
    }
    vacuum(statements, budget, forcedEnds != null, slice);
    return slice;
  }

  private void clean(
      StatementCache statements,
      PartitionState state,
      PartitionKey key,
      long nowMs,
      Budget budget,
      long deadline,
      Map<Object, Long> forcedEnds,
      Slice slice)
      throws SQLException {
    PartitionEdit edit = new PartitionEdit(statements, state);
    int remaining = (int) Math.max(1, budget.records() - slice.work());
    int deleted = Retention.enforce(edit, statements, nowMs, remaining);
    slice.batchesDeleted += deleted;
    slice.more |= deleted == remaining;
    if (state.compacted()) {
      boolean deletedNow = edit.removedRecords() > 0;
      if (forcedEnds != null && !forcedEnds.containsKey(key)) {
        forcedEnds.put(key, state.nextOffset());
        // A background pass under way may end short of the forced run's end (at the lag
        // horizon, or at a lower indexed offset): its work stays, a pass to the end replaces it.
        passes.remove(key);
      }
      long indexedOffset =
          index(
              statements,
              state,
              key,
              forcedEnds != null,
              deletedNow,
              remaining,
              budget.unit(),
              deadline,
              slice);
      if (forcedEnds != null
          && indexedOffset < forcedEnds.get(key)
          && indexedOffset < state.nextOffset()) {
        slice.more = true; // a forced run indexes to its end before it is done
      }
      CompactionPass pass = pass(state, key, forcedEnds, deletedNow, indexedOffset);
      if (pass != null) {
        long lagHorizonMs =
            forcedEnds != null ? Long.MAX_VALUE : nowMs - state.topic().minCompactionLagMs();
        remaining = (int) Math.max(1, budget.records() - slice.work());
        if (advance(
            edit,
            statements,
            pass,
            nowMs,
            lagHorizonMs,
            remaining,
            budget.unit(),
            deadline,
            slice)) {
          passes.remove(key);
          // The next pass takes the rest: of a pass that stopped early, or, in a forced run, of
          // one that began before it (a background pass) or ended at the indexed offset.
          slice.more |=
              pass.stoppedEarly
                  || (forcedEnds != null && pass.examined > 0 && pass.end < forcedEnds.get(key));
        } else {
          slice.more = true;
        }
      }
      // After the slice, so that a tombstone it kept with a delete retention of 0 goes now.
      if (Compaction.expireTombstones(edit, statements, nowMs, remaining) == remaining) {
        slice.more = true;
      }
    }
    edit.apply();
    slice.recordsRemoved += edit.removedRecords();
    slice.bytesRemoved += edit.removedBytes();
  }

  /**
   * Takes the partition's key index generation under way, or a new one when one is due, as far as
   * {@code maxRecords} and {@code deadline} allow; every unindexed record is due when {@code
   * forced}.
   *
   * @return the partition's indexed offset afterwards: compaction passes end there
   */
  private long index(
      StatementCache statements,
      PartitionState state,
      PartitionKey key,
      boolean forced,
      boolean deleted,
      int maxRecords,
      int unit,
      long deadline,
      Slice slice)
      throws SQLException {
    IndexGeneration generation = generations.get(key);
    if (generation != null && (deleted || !generation.matches(state))) {
      generations.remove(key);
      generation = null;
    }
    if (generation == null && IndexGeneration.due(state, forced || appendsIdle(state, key))) {
      generation = new IndexGeneration(state);
      generations.put(key, generation);
    }
    if (generation == null) {
      return state.indexedOffset();
    }
    for (long left = maxRecords; left > 0 && System.nanoTime() - deadline < 0; ) {
      long done = generation.slice(statements, state, (int) Math.min(left, unit), deadline);
      if (done < 0) {
        generations.remove(key);
        return generation.end();
      }
      slice.recordsIndexed += done;
      left -= done;
    }
    slice.more = true;
    return state.indexedOffset();
  }

  /** Whether the partition has had no append for {@link IndexGeneration#IDLE_NANOS}. */
  private boolean appendsIdle(PartitionState state, PartitionKey key) {
    long now = System.nanoTime();
    long[] seen = lastSeen.get(key);
    if (seen == null || seen[0] != state.nextOffset()) {
      lastSeen.put(key, new long[] {state.nextOffset(), now});
      return false;
    }
    return now - seen[1] >= IndexGeneration.IDLE_NANOS;
  }

  /**
   * The partition's pass under way, or a new one when one is due (or forced), or null. A pass the
   * partition moved under (another process's pass ended, records were deleted) is dropped: what it
   * did stays valid, and a new one begins.
   */
  private CompactionPass pass(
      PartitionState state,
      PartitionKey key,
      Map<Object, Long> forcedEnds,
      boolean deleted,
      long indexedOffset) {
    CompactionPass pass = passes.get(key);
    if (pass != null && (deleted || !pass.matches(state))) {
      passes.remove(key);
      pass = null;
    }
    if (pass != null) {
      return pass;
    }
    if (forcedEnds != null) {
      long end = Math.min(indexedOffset, forcedEnds.get(key));
      pass = state.cleanerOffset() < end ? new CompactionPass(state, end) : null;
    } else if (state.sizeBytes() > state.cleanBytes()
        && state.dirtyShare() >= state.topic().minCleanableDirtyRatio()
        && state.cleanerOffset() < indexedOffset) {
      pass = new CompactionPass(state, Math.min(indexedOffset, state.nextOffset()));
    }
    if (pass != null) {
      passes.put(key, pass);
    }
    return pass;
  }

  /**
   * Takes the pass as far as {@code maxRecords} and {@code deadline} allow (records examined while
   * deduping, records of the batches swept, keys published).
   *
   * @return true when the pass is done
   */
  private static boolean advance(
      PartitionEdit edit,
      StatementCache statements,
      CompactionPass pass,
      long nowMs,
      long lagHorizonMs,
      int maxRecords,
      int unit,
      long deadline,
      Slice slice)
      throws SQLException {
    long left = maxRecords;
    while (left > 0 && System.nanoTime() - deadline < 0) {
      switch (pass.phase) {
        case DEDUPE -> {
          long examined =
              Compaction.dedupe(
                  edit, statements, pass, lagHorizonMs, (int) Math.min(left, unit), deadline);
          slice.recordsExamined += examined;
          left -= examined;
        }
        case SWEEP -> left -= Compaction.sweep(edit, statements, pass, 1);
        case PUBLISH -> {
          int keys = (int) Math.min(Math.min(left, unit), pass.kept.size());
          if (Compaction.publish(edit, statements, pass, nowMs, keys)) {
            return true;
          }
          left -= keys;
        }
      }
    }
    return false;
  }

  /** Gives free pages back to the file system, a slice at a time (auto_vacuum=INCREMENTAL). */
  private static void vacuum(StatementCache statements, Budget budget, boolean all, Slice slice)
      throws SQLException {
    try (Statement s = statements.connection().createStatement()) {
      long free = longPragma(s, "PRAGMA freelist_count");
      if (free <= (all ? 0 : VACUUM_THRESHOLD_PAGES)) {
        return;
      }
      long pages = Math.min(free, budget.vacuumPages());
      s.execute("PRAGMA incremental_vacuum(" + pages + ")");
      long left = longPragma(s, "PRAGMA freelist_count");
      slice.pagesFreed += free - left;
      slice.more |= left > (all ? 0 : VACUUM_THRESHOLD_PAGES);
    }
  }

  private static long longPragma(Statement s, String pragma) throws SQLException {
    try (ResultSet rs = s.executeQuery(pragma)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
