package dev.onelog.internal.cleanup;

import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.KeyIndex;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One generation of a compacted partition's key index: the records from {@code indexed_offset} to
 * {@link #end}, read a slice at a time into a map of each key's newest offset, then written into
 * the key index in key order, a chunk a slice; the last chunk moves {@code indexed_offset} to the
 * end. Appends write only their records; the index takes their keys later, many to a page, as an
 * LSM tree merges its memtable (measured in docs/BENCHMARKS.md: with keys from 1M, indexing in the
 * appends' commits wrote 2.5 KB per record, since each commit's random keys touched most leaf
 * pages).
 *
 * <p>A generation starts once the unindexed records reach an eighth of the partition's records
 * (between {@value #MIN_RECORDS} and {@value #MAX_KEYS}), so that each index page takes about eight
 * keys per write whatever the number of keys, or once the partition has had no append for {@link
 * #IDLE_NANOS}, so that a quiet log is indexed to its end. A generation cut short (a crash, another
 * process's generation, retention) leaves a consistent index: {@code latest_offset} only rises, and
 * a row pointing at a record since deleted is read as the key's absence. Not thread-safe: the
 * writer thread's.
 */
final class IndexGeneration {
  static final int MIN_RECORDS = 4_096;

  /** Most keys a generation holds in memory (about 120 bytes of heap each). */
  static final int MAX_KEYS = 131_072;

  static final long IDLE_NANOS = 500_000_000L;

  /** The indexed offset and log start it began from: if either moves, the generation is void. */
  private final long indexedOffset;

  private final long logStartOffset;

  /** Exclusive; lowered when {@link #MAX_KEYS} keys were read. */
  private long end;

  private long cursor;

  private boolean reading = true;

  private final TreeMap<byte[], Long> newest = new TreeMap<>(Arrays::compareUnsigned);

  IndexGeneration(PartitionState state) {
    this.indexedOffset = state.indexedOffset();
    this.logStartOffset = state.logStartOffset();
    this.end = state.nextOffset();
    this.cursor = Math.max(state.indexedOffset(), state.logStartOffset());
  }

  /** Whether the partition's unindexed records are due for a generation. */
  static boolean due(PartitionState state, boolean idle) {
    long unindexed = state.unindexedRecords();
    if (unindexed <= 0) {
      return false;
    }
    long threshold = Math.max(MIN_RECORDS, Math.min(MAX_KEYS, state.recordCount() / 8));
    return idle || unindexed >= threshold;
  }

  /** Exclusive: where {@code indexed_offset} goes when the generation is done. */
  long end() {
    return end;
  }

  /** False when the partition moved under the generation. */
  boolean matches(PartitionState state) {
    return state.indexedOffset() == indexedOffset && state.logStartOffset() == logStartOffset;
  }

  /**
   * Reads or writes up to {@code maxRecords} records or keys, reading no batch after {@code
   * deadline} (nanoTime) but the first.
   *
   * @return the records read or keys written, and -1 once the generation is done
   */
  long slice(StatementCache statements, PartitionState state, int maxRecords, long deadline)
      throws SQLException {
    if (reading) {
      return read(statements, state, maxRecords, deadline);
    }
    List<byte[]> keys = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    while (keys.size() < maxRecords && !newest.isEmpty()) {
      Map.Entry<byte[], Long> next = newest.pollFirstEntry();
      keys.add(next.getKey());
      offsets.add(next.getValue());
    }
    KeyIndex.raiseLatest(statements, state.keysTable(), keys, offsets::get);
    if (!newest.isEmpty()) {
      return keys.size();
    }
    PreparedStatement update =
        statements.get(
            "UPDATE cleaner_points SET indexed_offset = ? WHERE topic_id = ? AND partition = ?");
    update.setLong(1, end);
    update.setLong(2, state.topic().id());
    update.setInt(3, state.partition());
    update.executeUpdate();
    return -1;
  }

  private long read(StatementCache statements, PartitionState state, int maxRecords, long deadline)
      throws SQLException {
    PreparedStatement select =
        StoredBatch.select(
            statements, state, "last_offset >= ? AND last_offset < ? ORDER BY last_offset");
    select.setLong(1, cursor);
    select.setLong(2, end);
    long read = 0;
    boolean more = false;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        if (read >= maxRecords
            || newest.size() >= MAX_KEYS
            || (read > 0 && System.nanoTime() - deadline > 0)) {
          more = true;
          break;
        }
        StoredBatch batch = StoredBatch.read(rs, state);
        try {
          BatchCursor records = new BatchCursor(batch.baseOffset(), batch.records());
          while (records.next()) {
            byte[] key = records.key();
            if (key != null && records.offset() >= cursor) {
              newest.put(key, records.offset());
            }
          }
        } catch (IllegalArgumentException e) {
          throw StoredBatch.corrupt(state, batch.lastOffset(), e.getMessage());
        }
        read += batch.recordCount();
        cursor = batch.lastOffset() + 1;
      }
    }
    if (!more || newest.size() >= MAX_KEYS) {
      end = more ? cursor : end;
      reading = false;
    }
    return Math.max(read, 1);
  }

  @Override
  public String toString() {
    return "index generation [" + indexedOffset + ", " + end + ") at " + cursor;
  }
}
