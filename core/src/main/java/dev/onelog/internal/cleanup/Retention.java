package dev.onelog.internal.cleanup;

import dev.onelog.internal.storage.BatchPacker;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Deletes records from the front of a partition: whole batches past the topic's retention (time or
 * bytes), as Kafka deletes whole segments, and everything before an offset for {@code
 * deleteRecordsBefore}, as Kafka's DeleteRecords, splitting the batch that holds the offset. The
 * earliest offset ({@code log_start_offset}) advances; {@code next_offset} never moves, so offsets
 * are never reused. Stateless; runs inside a write step.
 *
 * <p>Retention by time deletes a batch once its newest record is older than the retention; by
 * bytes, a batch while the partition would still hold at least {@code retention_bytes} without it.
 * Since only whole batches go, a partition may keep at most one batch (64 KiB, or one larger
 * record) past either limit.
 */
final class Retention {
  private Retention() {}

  /**
   * Deletes the partition's expired batches from the front, at most {@code maxBatches}.
   *
   * @return the number of batches deleted
   */
  static int enforce(PartitionEdit edit, StatementCache statements, long nowMs, int maxBatches)
      throws SQLException {
    PartitionState state = edit.state();
    if (!state.hasRetention() || state.recordCount() == 0) {
      return 0;
    }
    Long retentionMs = state.topic().retentionMs();
    Long retentionBytes = state.topic().retentionBytes();
    // A batch's size (its records' keys, values and headers) is read from its blob only for
    // the rows this step looks at: the expired ones and the first one kept.
    PreparedStatement select =
        statements.get(
            "SELECT last_offset, record_count, max_timestamp_ms, records FROM "
                + state.logTable()
                + " ORDER BY last_offset LIMIT ?");
    select.setInt(1, maxBatches);
    long remainingBytes = state.sizeBytes();
    long lastExpired = -1;
    int expired = 0;
    long expiredRecords = 0;
    long expiredBytes = 0;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        long maxTimestampMs = rs.getLong(3);
        boolean tooOld = retentionMs != null && maxTimestampMs < nowMs - retentionMs;
        if (!tooOld && retentionBytes == null) {
          break;
        }
        long sizeBytes = batchSize(rs.getBytes(4), state, rs.getLong(1));
        boolean tooBig = retentionBytes != null && remainingBytes - sizeBytes >= retentionBytes;
        if (!tooOld && !tooBig) {
          break;
        }
        remainingBytes -= sizeBytes;
        lastExpired = rs.getLong(1);
        expiredRecords += rs.getInt(2);
        expiredBytes += sizeBytes;
        expired++;
      }
    }
    if (expired > 0) {
      if (state.compacted()) {
        forgetKeysThrough(edit, statements, lastExpired);
      } else {
        edit.removedBatches(expiredRecords, expiredBytes);
      }
      deleteThrough(statements, state, lastExpired);
      edit.logStartsAt(lastExpired + 1);
    }
    return expired;
  }

  /**
   * Deletes every record below {@code offset}, splitting the batch that holds it, and moves the
   * earliest offset to exactly {@code offset}. The caller has checked {@code logStartOffset <
   * offset <= nextOffset}.
   */
  static void deleteBefore(PartitionEdit edit, StatementCache statements, long offset)
      throws SQLException {
    PartitionState state = edit.state();
    if (state.compacted()) {
      forgetKeysThrough(edit, statements, offset - 1);
    } else {
      PreparedStatement below =
          statements.get(
              "SELECT last_offset, record_count, records FROM "
                  + state.logTable()
                  + " WHERE last_offset < ?");
      below.setLong(1, offset);
      long records = 0;
      long bytes = 0;
      try (ResultSet rs = below.executeQuery()) {
        while (rs.next()) {
          records += rs.getInt(2);
          bytes += batchSize(rs.getBytes(3), state, rs.getLong(1));
        }
      }
      edit.removedBatches(records, bytes);
    }
    deleteThrough(statements, state, offset - 1);
    PreparedStatement straddling =
        StoredBatch.select(
            statements, state, "last_offset >= ? AND base_offset < ? ORDER BY last_offset LIMIT 1");
    straddling.setLong(1, offset);
    straddling.setLong(2, offset);
    StoredBatch split = null;
    try (ResultSet rs = straddling.executeQuery()) {
      if (rs.next()) {
        split = StoredBatch.read(rs, state);
      }
    }
    if (split != null) {
      keepFrom(edit, statements, split, offset);
    }
    edit.logStartsAt(offset);
  }

  /** Rewrites a batch without its records below {@code offset}. */
  private static void keepFrom(
      PartitionEdit edit, StatementCache statements, StoredBatch batch, long offset)
      throws SQLException {
    PartitionState state = edit.state();
    deleteRow(statements, state, batch.lastOffset());
    BatchPacker packer = new BatchPacker(statements.get(RecordBatch.insertSql(state.logTable())));
    for (StoredBatch.Entry entry : batch.entries(state)) {
      if (entry.offset() < offset) {
        edit.removedRecord(entry.key(), entry.offset(), entry.sizeBytes());
      } else {
        packer.add(
            entry.offset(), entry.timestampMs(), entry.key(), entry.value(), entry.headers());
      }
    }
    packer.flush();
  }

  /**
   * Accounts for each record of the batches up to {@code last}, about to be deleted, and takes
   * their keys out of the key index: a compacted topic's only.
   */
  private static void forgetKeysThrough(PartitionEdit edit, StatementCache statements, long last)
      throws SQLException {
    PartitionState state = edit.state();
    PreparedStatement select =
        StoredBatch.select(statements, state, "last_offset <= ? ORDER BY last_offset");
    select.setLong(1, last);
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        for (StoredBatch.Entry entry : StoredBatch.read(rs, state).entries(state)) {
          edit.removedRecord(entry.key(), entry.offset(), entry.sizeBytes());
        }
      }
    }
  }

  private static void deleteThrough(StatementCache statements, PartitionState state, long last)
      throws SQLException {
    PreparedStatement delete =
        statements.get("DELETE FROM " + state.logTable() + " WHERE last_offset <= ?");
    delete.setLong(1, last);
    delete.executeUpdate();
  }

  static void deleteRow(StatementCache statements, PartitionState state, long lastOffset)
      throws SQLException {
    PreparedStatement delete =
        statements.get("DELETE FROM " + state.logTable() + " WHERE last_offset = ?");
    delete.setLong(1, lastOffset);
    delete.executeUpdate();
  }

  /**
   * The keys, values and headers a batch about to be deleted holds.
   *
   * @throws CorruptRecordException when it does not decode: retention does not guess sizes
   */
  private static long batchSize(byte[] records, PartitionState state, long lastOffset) {
    try {
      return RecordBatch.sizeInBytes(records);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new dev.onelog.CorruptRecordException(
          "the batch of records ending at "
              + state.topic().name()
              + "-"
              + state.partition()
              + "@"
              + lastOffset
              + " is damaged: "
              + e.getMessage()
              + ". Run 'onelog verify' to list every damaged batch");
    }
  }
}
