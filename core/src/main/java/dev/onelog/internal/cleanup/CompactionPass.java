package dev.onelog.internal.cleanup;

import java.util.Arrays;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One compaction pass over a partition, kept in memory between the slices that do it, in three
 * phases, as Kafka's cleaner dedupes the dirty section and then rewrites the log once:
 *
 * <ol>
 *   <li>{@link Phase#DEDUPE}: the batches from the cleaner point to {@link #end} lose every record
 *       that is not its key's newest. Each record kept is noted in {@link #kept}; the key's older
 *       record below the cleaner point, which it supersedes, goes to {@link #garbage}.
 *   <li>{@link Phase#SWEEP}: the garbage leaves its batches, in offset order, a few batches a
 *       slice, so that a batch holding many superseded records is rewritten once a pass, not once
 *       for each of them.
 *   <li>{@link Phase#PUBLISH}: the kept records become their keys' {@code clean_offset}, in key
 *       order, a chunk a slice; the last chunk moves the cleaner point to {@link #end}.
 * </ol>
 *
 * The cleaner point moves only at the end, so below it each key always has one record. A pass cut
 * short (a crash, a close, another process's pass, retention) leaves a consistent file: dropped
 * records were superseded, and an index row pointing at a record already swept is harmless (the
 * next pass finds the record gone). Not thread-safe: the writer thread's.
 */
final class CompactionPass {
  enum Phase {
    DEDUPE,
    SWEEP,
    PUBLISH
  }

  /** A record the pass keeps: it becomes its key's clean record when the pass publishes. */
  record Kept(long offset, boolean tombstone, int sizeBytes) {}

  /**
   * Most keys one pass keeps (about 120 bytes of heap each): a pass over more ends early, and the
   * next one takes the rest, as Kafka's cleaner bounds its offset map.
   */
  static final int MAX_KEPT_KEYS = 100_000;

  /** The cleaner point and log start the pass began from: if either moves, the pass is void. */
  final long cleanerOffset;

  final long logStartOffset;

  /** Exclusive; lowered when the pass stops early (the compaction lag, {@link #MAX_KEPT_KEYS}). */
  long end;

  /** Where deduping goes on. */
  long cursor;

  Phase phase = Phase.DEDUPE;

  /** Records deduped so far. */
  long examined;

  /** The pass ended before its end because it kept {@link #MAX_KEPT_KEYS} keys. */
  boolean stoppedEarly;

  final TreeMap<byte[], Kept> kept = new TreeMap<>(Arrays::compareUnsigned);

  /** Offsets of superseded records still stored, below the cleaner point or kept earlier. */
  final TreeSet<Long> garbage = new TreeSet<>();

  /** The bytes of the kept records: they join the clean bytes when the pass publishes. */
  long keptBytes;

  CompactionPass(PartitionState state, long end) {
    this.cleanerOffset = state.cleanerOffset();
    this.logStartOffset = state.logStartOffset();
    this.end = end;
    this.cursor = state.cleanerOffset();
  }

  /** False when the partition moved under the pass: another pass ended, or records were deleted. */
  boolean matches(PartitionState state) {
    return state.cleanerOffset() == cleanerOffset && state.logStartOffset() == logStartOffset;
  }

  /** Notes that {@code key}'s record at {@code offset} is kept, superseding {@code older}. */
  void keep(byte[] key, Kept record, Long older) {
    Kept before = kept.put(key, record);
    if (before != null) {
      garbage.add(before.offset()); // only when the index missed an append
      keptBytes -= before.sizeBytes();
    } else if (older != null && older != record.offset()) {
      garbage.add(older);
    }
    keptBytes += record.sizeBytes();
  }

  @Override
  public String toString() {
    return "pass [" + cleanerOffset + ", " + end + ") " + phase + " at " + cursor;
  }
}
