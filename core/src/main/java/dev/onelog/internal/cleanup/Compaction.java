package dev.onelog.internal.cleanup;

import dev.onelog.internal.storage.BatchPacker;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Key compaction of one partition, incrementally: a slice reads the batches just above the cleaner
 * point, keeps each record that is its key's newest, drops the rest, and moves the cleaner point
 * past them. Below the cleaner point every key has exactly one record (its {@code clean_offset} in
 * the key index); a record kept by a slice replaces its key's older one there, which the slice
 * removes from its batch. So a pass reads only what was written since the last one, plus one index
 * lookup per key, where Kafka's cleaner rereads the whole clean section against an in-memory map.
 *
 * <pre>
 * for each record (key k, offset o) above the cleaner point, in offset order:
 *   latest = keys[k].latest_offset              -- kept by every append
 *   latest > o    drop o: a newer record of k follows
 *   latest = o    keep o; drop keys[k].clean_offset, k's record below the cleaner point;
 *                 clean_offset = o; a tombstone gets delete_horizon_ms = now + delete.retention
 *   latest < o or no row: the index missed an append (a writer that does not keep it):
 *                 latest = o, and keep o as above
 * tombstones whose delete_horizon_ms has passed: drop them and their key's row
 * </pre>
 *
 * The kept records of a slice are repacked into batches of up to 64 KiB with their offsets, so a
 * compacted partition is not left with a row per record; a batch below the cleaner point that loses
 * a record is rewritten in place (fewer records, a new CRC) or deleted when none is left. Offsets
 * never change: readers see gaps. Stateless; runs inside a write step.
 */
final class Compaction {
  private Compaction() {}

  /** A key's row of the index, as a slice changes it. */
  private static final class KeyRow {
    long latest;
    Long clean;
    Long horizonMs;
    boolean changed;
    boolean exists;
  }

  /** What a slice did: the records it examined, and whether it reached the end of the pass. */
  record Slice(long examined, boolean endOfPass) {}

  /**
   * Cleans the batches above the cleaner point up to {@code passEnd} (exclusive), stopping at a
   * batch with a record younger than {@code lagHorizonMs}, and once {@code maxRecords} records were
   * examined (whole batches: at least one).
   */
  static Slice slice(
      PartitionEdit edit,
      StatementCache statements,
      long nowMs,
      long passEnd,
      long lagHorizonMs,
      int maxRecords)
      throws SQLException {
    PartitionState state = edit.state();
    long from = edit.cleanerOffset();
    PreparedStatement select =
        StoredBatch.select(
            statements, state, "last_offset >= ? AND last_offset < ? ORDER BY last_offset");
    select.setLong(1, from);
    select.setLong(2, passEnd);
    List<StoredBatch> batches = new ArrayList<>();
    long examined = 0;
    boolean endOfPass = true;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        if (examined >= maxRecords) {
          endOfPass = false;
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
      return new Slice(0, true);
    }
    Map<ByteBuffer, KeyRow> keys = new HashMap<>();
    TreeSet<Long> cleanDrops = new TreeSet<>();
    List<StoredBatch.Entry> kept = new ArrayList<>();
    long keptBytes = 0;
    for (StoredBatch batch : batches) {
      for (StoredBatch.Entry entry : batch.entries(state)) {
        if (entry.key() == null) {
          kept.add(entry); // refused on append; kept rather than lost if a writer stored one
          keptBytes += entry.sizeBytes();
          continue;
        }
        KeyRow row = keys.get(ByteBuffer.wrap(entry.key()));
        if (row == null) {
          row = load(statements, state, entry.key());
          keys.put(ByteBuffer.wrap(entry.key()), row);
        }
        if (!row.exists || row.latest < entry.offset()) {
          row.exists = true;
          row.latest = entry.offset();
          row.changed = true;
        }
        if (row.latest > entry.offset()) {
          edit.removed(entry.offset(), entry.sizeBytes());
          continue;
        }
        if (row.clean != null && row.clean != entry.offset()) {
          cleanDrops.add(row.clean);
        }
        row.clean = entry.offset();
        row.horizonMs = entry.tombstone() ? nowMs + state.topic().deleteRetentionMs() : null;
        row.changed = true;
        kept.add(entry);
        keptBytes += entry.sizeBytes();
      }
    }
    long first = batches.get(0).lastOffset();
    long last = batches.get(batches.size() - 1).lastOffset();
    PreparedStatement delete =
        statements.get(
            "DELETE FROM " + state.logTable() + " WHERE last_offset >= ? AND last_offset <= ?");
    delete.setLong(1, first);
    delete.setLong(2, last);
    delete.executeUpdate();
    BatchPacker packer = new BatchPacker(statements.get(RecordBatch.insertSql(state.logTable())));
    for (StoredBatch.Entry entry : kept) {
      packer.add(entry.offset(), entry.timestampMs(), entry.key(), entry.value(), entry.headers());
    }
    packer.flush();
    for (Map.Entry<ByteBuffer, KeyRow> entry : keys.entrySet()) {
      if (entry.getValue().changed) {
        store(statements, state, entry.getKey().array(), entry.getValue());
      }
    }
    // The cleaner point moves first: a record this slice kept and then dropped (its key's index
    // had missed an append) leaves the clean bytes it was just added to.
    edit.cleaned(last + 1, keptBytes);
    dropBelowCleanerPoint(edit, statements, cleanDrops);
    return new Slice(examined, endOfPass);
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
                + " WHERE delete_horizon_ms <= ? ORDER BY delete_horizon_ms LIMIT ?");
    select.setLong(1, nowMs);
    select.setInt(2, max);
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
    dropBelowCleanerPoint(edit, statements, drops);
    return drops.size();
  }

  /** At most this many clean batches are merged into one rewrite, to keep a slice bounded. */
  static final int MAX_MERGED_BATCHES = 8;

  /**
   * Rewrites each batch holding one of the offsets without it (or deletes the batch when nothing is
   * left). An offset no longer stored is skipped. A batch left under half of {@value
   * RecordBatch#MAX_BATCH_BYTES} bytes takes in the clean batches after it while they fit, so that
   * pass after pass of small removals do not leave the clean section a row per record, as Kafka's
   * cleaner groups small segments.
   */
  private static void dropBelowCleanerPoint(
      PartitionEdit edit, StatementCache statements, TreeSet<Long> offsets) throws SQLException {
    PartitionState state = edit.state();
    while (!offsets.isEmpty()) {
      StoredBatch first = batchAtOrAfter(statements, state, offsets.first(), Long.MAX_VALUE);
      if (first == null) {
        return;
      }
      List<StoredBatch.Entry> kept = new ArrayList<>();
      List<Long> rows = new ArrayList<>();
      boolean dropped = take(edit, first, offsets, kept, rows);
      long bytes = encodedBytes(kept);
      long after = first.lastOffset();
      while (rows.size() < MAX_MERGED_BATCHES && bytes < RecordBatch.MAX_BATCH_BYTES / 2) {
        StoredBatch next = batchAtOrAfter(statements, state, after + 1, edit.cleanerOffset());
        if (next == null || bytes + next.records().length > RecordBatch.MAX_BATCH_BYTES) {
          break;
        }
        dropped |= take(edit, next, offsets, kept, rows);
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
    }
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

  private static KeyRow load(StatementCache statements, PartitionState state, byte[] key)
      throws SQLException {
    PreparedStatement select =
        statements.get(
            "SELECT latest_offset, clean_offset, delete_horizon_ms FROM "
                + state.keysTable()
                + " WHERE key = ?");
    select.setBytes(1, key);
    KeyRow row = new KeyRow();
    try (ResultSet rs = select.executeQuery()) {
      if (rs.next()) {
        row.exists = true;
        row.latest = rs.getLong(1);
        long clean = rs.getLong(2);
        row.clean = rs.wasNull() ? null : clean;
        long horizon = rs.getLong(3);
        row.horizonMs = rs.wasNull() ? null : horizon;
      }
    }
    return row;
  }

  private static void store(StatementCache statements, PartitionState state, byte[] key, KeyRow row)
      throws SQLException {
    PreparedStatement upsert =
        statements.get(
            "INSERT INTO "
                + state.keysTable()
                + " (key, latest_offset, clean_offset, delete_horizon_ms) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (key) DO UPDATE SET latest_offset = excluded.latest_offset,"
                + " clean_offset = excluded.clean_offset,"
                + " delete_horizon_ms = excluded.delete_horizon_ms");
    upsert.setBytes(1, key);
    upsert.setLong(2, row.latest);
    setNullable(upsert, 3, row.clean);
    setNullable(upsert, 4, row.horizonMs);
    upsert.executeUpdate();
  }

  private static void setNullable(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, java.sql.Types.INTEGER);
    } else {
      ps.setLong(index, value);
    }
  }
}
