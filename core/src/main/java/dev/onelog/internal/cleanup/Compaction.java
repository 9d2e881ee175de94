package dev.onelog.internal.cleanup;

import dev.onelog.internal.storage.BatchPacker;
import dev.onelog.internal.storage.KeyIndex;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Key compaction of one partition, the slices of a {@link CompactionPass}: what each phase does to
 * the batches and the key index. Below the cleaner point every key has exactly one record (its
 * {@code clean_offset} in the key index); a pass reads only what was written since the last one,
 * plus one index lookup per key, where Kafka's cleaner rereads the whole clean section against an
 * in-memory map, and rewrites each clean batch that lost records once.
 *
 * <pre>
 * DEDUPE, for each record (key k, offset o) from the cleaner point to the pass's end, in order:
 *   latest = keys[k].latest_offset              -- kept by every append
 *   latest > o    drop o: a newer record of k follows
 *   otherwise     keep o (when latest < o or there is no row, the index missed an append);
 *                 keys[k].clean_offset, k's record below the cleaner point, becomes garbage
 * SWEEP          drop the garbage from its batches, in offset order
 * PUBLISH        for each kept record, in key order: clean_offset = o, latest_offset = max(latest, o),
 *                a tombstone gets delete_horizon_ms = now + delete.retention; cleaner point = end
 * tombstones whose delete_horizon_ms has passed: drop them and their key's row
 * </pre>
 *
 * The kept records of a dedupe slice are repacked into batches of up to 64 KiB with their offsets,
 * so a compacted partition is not left with a row per record; a batch that loses a record is
 * rewritten (fewer records, a new CRC) or deleted when none is left. Offsets never change: readers
 * see gaps. Stateless; runs inside a write step.
 */
final class Compaction {
  private Compaction() {}

  /**
   * Dedupes the batches from the pass's cursor, stopping at a batch with a record younger than
   * {@code lagHorizonMs}, at the pass's end, once {@code maxRecords} records were examined or
   * {@code deadlineNanos} passed (whole batches: at least one), or when the pass keeps {@link
   * CompactionPass#MAX_KEPT_KEYS} keys; moves the pass to its sweep when the deduping is done.
   *
   * @return the records examined
   */
  static long dedupe(
      PartitionEdit edit,
      StatementCache statements,
      CompactionPass pass,
      long lagHorizonMs,
      int maxRecords,
      long deadlineNanos)
      throws SQLException {
    PartitionState state = edit.state();
    PreparedStatement select =
        StoredBatch.select(
            statements, state, "last_offset >= ? AND last_offset < ? ORDER BY last_offset");
    select.setLong(1, pass.cursor);
    select.setLong(2, pass.end);
    List<StoredBatch> batches = new ArrayList<>();
    long examined = 0;
    boolean more = false;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        if (examined >= maxRecords || (examined > 0 && System.nanoTime() - deadlineNanos > 0)) {
          more = true;
          break;
        }
        if (rs.getLong(4) > lagHorizonMs) {
          break; // too young to compact: the pass ends here
        }
        StoredBatch batch = StoredBatch.read(rs, state);
        batches.add(batch);
        examined += batch.recordCount();
      }
    }
    if (batches.isEmpty()) {
      pass.end = pass.cursor;
      pass.phase = CompactionPass.Phase.SWEEP;
      return 0;
    }
    List<StoredBatch.Entry> entries = new ArrayList<>();
    for (StoredBatch batch : batches) {
      entries.addAll(batch.entries(state));
    }
    Map<ByteBuffer, long[]> rows = loadRows(statements, state, entries);
    List<StoredBatch.Entry> kept = new ArrayList<>();
    for (StoredBatch.Entry entry : entries) {
      if (entry.key() == null) {
        kept.add(entry); // refused on append; kept rather than lost if a writer stored one
        pass.keptBytes += entry.sizeBytes();
        continue;
      }
      long[] row = rows.get(ByteBuffer.wrap(entry.key()));
      if (row != null && row[0] > entry.offset()) {
        edit.removed(entry.offset(), entry.sizeBytes());
        continue;
      }
      pass.keep(
          entry.key(),
          new CompactionPass.Kept(entry.offset(), entry.tombstone(), entry.sizeBytes()),
          row == null || row[1] < 0 ? null : row[1]);
      kept.add(entry);
    }
    long last = batches.get(batches.size() - 1).lastOffset();
    if (examined > kept.size() || batches.size() > 1) {
      PreparedStatement delete =
          statements.get(
              "DELETE FROM " + state.logTable() + " WHERE last_offset >= ? AND last_offset <= ?");
      delete.setLong(1, batches.get(0).lastOffset());
      delete.setLong(2, last);
      delete.executeUpdate();
      BatchPacker packer = new BatchPacker(statements.get(RecordBatch.insertSql(state.logTable())));
      for (StoredBatch.Entry entry : kept) {
        packer.add(
            entry.offset(), entry.timestampMs(), entry.key(), entry.value(), entry.headers());
      }
      packer.flush();
    }
    pass.cursor = last + 1;
    pass.examined += examined;
    pass.stoppedEarly = more && pass.kept.size() >= CompactionPass.MAX_KEPT_KEYS;
    if (!more || pass.stoppedEarly) {
      pass.end = pass.cursor;
      pass.phase = CompactionPass.Phase.SWEEP;
    }
    return examined;
  }

  /**
   * Drops the pass's garbage from at most {@code maxBatches} batches; moves the pass to publishing
   * when none is left.
   *
   * @return the records of the batches it rewrote
   */
  static long sweep(
      PartitionEdit edit, StatementCache statements, CompactionPass pass, int maxBatches)
      throws SQLException {
    long read = drop(edit, statements, pass.garbage, maxBatches);
    if (pass.garbage.isEmpty()) {
      pass.phase = CompactionPass.Phase.PUBLISH;
    }
    return read;
  }

  /**
   * Makes at most {@code maxKeys} kept records their keys' clean records, in key order; the last
   * chunk moves the cleaner point to the pass's end.
   *
   * @return true when the pass is done
   */
  static boolean publish(
      PartitionEdit edit, StatementCache statements, CompactionPass pass, long nowMs, int maxKeys)
      throws SQLException {
    PartitionState state = edit.state();
    long horizonMs = nowMs + state.topic().deleteRetentionMs();
    List<byte[]> keys = new ArrayList<>();
    List<CompactionPass.Kept> records = new ArrayList<>();
    while (keys.size() < maxKeys && !pass.kept.isEmpty()) {
      Map.Entry<byte[], CompactionPass.Kept> next = pass.kept.pollFirstEntry();
      keys.add(next.getKey());
      records.add(next.getValue());
    }
    KeyIndex.setClean(
        statements,
        state.keysTable(),
        keys,
        i -> records.get(i).offset(),
        i -> records.get(i).tombstone() ? horizonMs : null);
    if (!pass.kept.isEmpty()) {
      return false;
    }
    edit.cleaned(pass.end, pass.keptBytes);
    return true;
  }

  /**
   * Removes tombstones kept past their delete horizon, at most {@code max}, with their keys' rows.
   *
   * @return the number removed
   */
  static int expireTombstones(PartitionEdit edit, StatementCache statements, long nowMs, int max)
      throws SQLException {
    PartitionState state = edit.state();
    PreparedStatement select =
        statements.get(
            "SELECT key, latest_offset, clean_offset FROM "
                + state.keysTable()
                + " WHERE delete_horizon_ms <= ? AND clean_offset < ?"
                + " ORDER BY delete_horizon_ms LIMIT ?");
    select.setLong(1, nowMs);
    select.setLong(2, edit.cleanerOffset());
    select.setInt(3, max);
    TreeSet<Long> drops = new TreeSet<>();
    List<byte[]> gone = new ArrayList<>();
    List<byte[]> superseded = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        drops.add(rs.getLong(3));
        (rs.getLong(2) == rs.getLong(3) ? gone : superseded).add(rs.getBytes(1));
      }
    }
    for (byte[] key : gone) {
      PreparedStatement delete =
          statements.get("DELETE FROM " + state.keysTable() + " WHERE key = ?");
      delete.setBytes(1, key);
      delete.executeUpdate();
    }
    for (byte[] key : superseded) {
      PreparedStatement update =
          statements.get(
              "UPDATE "
                  + state.keysTable()
                  + " SET clean_offset = NULL, delete_horizon_ms = NULL WHERE key = ?");
      update.setBytes(1, key);
      update.executeUpdate();
    }
    drop(edit, statements, drops, Integer.MAX_VALUE);
    return drops.size();
  }

  /** At most this many clean batches are merged into one rewrite, to keep a slice bounded. */
  static final int MAX_MERGED_BATCHES = 8;

  /**
   * Rewrites each batch holding one of the offsets without it (or deletes the batch when nothing is
   * left), in offset order, taking the offsets it handled out of {@code offsets}; stops after
   * {@code maxBatches} rewrites. An offset no longer stored is skipped. A batch left under half of
   * {@value RecordBatch#MAX_BATCH_BYTES} bytes takes in the clean batches after it while they fit,
   * so that pass after pass of small removals do not leave the clean section a row per record, as
   * Kafka's cleaner groups small segments.
   *
   * @return the records of the batches it read
   */
  private static long drop(
      PartitionEdit edit, StatementCache statements, TreeSet<Long> offsets, int maxBatches)
      throws SQLException {
    PartitionState state = edit.state();
    long read = 0;
    for (int rewrites = 0; rewrites < maxBatches && !offsets.isEmpty(); ) {
      StoredBatch first = batchAtOrAfter(statements, state, offsets.first(), Long.MAX_VALUE);
      if (first == null) {
        offsets.clear();
        break;
      }
      List<StoredBatch.Entry> kept = new ArrayList<>();
      List<Long> rows = new ArrayList<>();
      boolean dropped = take(edit, first, offsets, kept, rows);
      read += first.recordCount();
      long bytes = encodedBytes(kept);
      long after = first.lastOffset();
      while (rows.size() < MAX_MERGED_BATCHES && bytes < RecordBatch.MAX_BATCH_BYTES / 2) {
        StoredBatch next = batchAtOrAfter(statements, state, after + 1, edit.cleanerOffset());
        if (next == null || bytes + next.records().length > RecordBatch.MAX_BATCH_BYTES) {
          break;
        }
        dropped |= take(edit, next, offsets, kept, rows);
        read += next.recordCount();
        bytes = encodedBytes(kept);
        after = next.lastOffset();
      }
      if (!dropped && rows.size() == 1) {
        continue;
      }
      for (long row : rows) {
        Retention.deleteRow(statements, state, row);
      }
      BatchPacker packer = new BatchPacker(statements.get(RecordBatch.insertSql(state.logTable())));
      for (StoredBatch.Entry entry : kept) {
        packer.add(
            entry.offset(), entry.timestampMs(), entry.key(), entry.value(), entry.headers());
      }
      packer.flush();
      rewrites++;
    }
    return read;
  }

  /**
   * Adds the batch's records that are not in {@code offsets} to {@code kept}, accounts for those
   * that are, and takes them out of {@code offsets}; true when it dropped any.
   */
  private static boolean take(
      PartitionEdit edit,
      StoredBatch batch,
      TreeSet<Long> offsets,
      List<StoredBatch.Entry> kept,
      List<Long> rows) {
    TreeSet<Long> drop = new TreeSet<>(offsets.headSet(batch.lastOffset(), true));
    offsets.removeAll(drop);
    rows.add(batch.lastOffset());
    boolean dropped = false;
    for (StoredBatch.Entry entry : batch.entries(edit.state())) {
      if (drop.contains(entry.offset())) {
        edit.removed(entry.offset(), entry.sizeBytes());
        dropped = true;
      } else {
        kept.add(entry);
      }
    }
    return dropped;
  }

  private static long encodedBytes(List<StoredBatch.Entry> entries) {
    long bytes = 0;
    for (StoredBatch.Entry entry : entries) {
      bytes += RecordBatch.RECORD_OVERHEAD_BYTES + entry.sizeBytes();
    }
    return bytes;
  }

  /** The first batch whose last offset is at or above {@code from} and below {@code below}. */
  private static StoredBatch batchAtOrAfter(
      StatementCache statements, PartitionState state, long from, long below) throws SQLException {
    PreparedStatement find =
        StoredBatch.select(
            statements, state, "last_offset >= ? AND last_offset < ? ORDER BY last_offset LIMIT 1");
    find.setLong(1, from);
    find.setLong(2, below);
    try (ResultSet rs = find.executeQuery()) {
      return rs.next() ? StoredBatch.read(rs, state) : null;
    }
  }

  /** Keys looked up in one statement: a JDBC call costs microseconds beside SQLite's search. */
  static final int KEYS_PER_LOOKUP = 64;

  /**
   * Each keyed entry's {latest_offset, clean_offset or -1}, by key; a key the index has no row for
   * is absent.
   */
  private static Map<ByteBuffer, long[]> loadRows(
      StatementCache statements, PartitionState state, List<StoredBatch.Entry> entries)
      throws SQLException {
    Set<ByteBuffer> keys = new LinkedHashSet<>();
    for (StoredBatch.Entry entry : entries) {
      if (entry.key() != null) {
        keys.add(ByteBuffer.wrap(entry.key()));
      }
    }
    Map<ByteBuffer, long[]> rows = new HashMap<>(keys.size() * 2);
    PreparedStatement select =
        statements.get(
            "SELECT key, latest_offset, coalesce(clean_offset, -1) FROM "
                + state.keysTable()
                + " WHERE key IN (?"
                + ", ?".repeat(KEYS_PER_LOOKUP - 1)
                + ")");
    Iterator<ByteBuffer> next = keys.iterator();
    while (next.hasNext()) {
      byte[] key = null;
      for (int i = 1; i <= KEYS_PER_LOOKUP; i++) {
        key = next.hasNext() ? next.next().array() : key; // the last key again fills the rest
        select.setBytes(i, key);
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.put(ByteBuffer.wrap(rs.getBytes(1)), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
    }
    return rows;
  }
}
