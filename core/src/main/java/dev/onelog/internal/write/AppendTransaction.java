package dev.onelog.internal.write;

import dev.onelog.RecordMetadata;
import dev.onelog.UnknownTopicException;
import dev.onelog.internal.storage.FileFormat;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One group commit: every append request taken from the queue together becomes one transaction.
 *
 * <ol>
 *   <li>{@code BEGIN IMMEDIATE} (waits up to the busy timeout for other processes' writers);
 *   <li>for each partition the requests touch, read its row of {@code partitions}: the next offset
 *       comes from the file, never from memory, because another process may have appended since. A
 *       request touching a partition that no longer exists (its topic was deleted) fails alone,
 *       before anything is inserted, so one bad request never fails the others;
 *   <li>give offsets in queue order, insert each partition's rows, update its counters;
 *   <li>{@code COMMIT}; only then are futures completed (by the caller, with what this returns).
 * </ol>
 *
 * Rows are grouped by partition with a stable counting sort into one array that lives as long as
 * the writer, so a transaction of 10,000 records allocates no growing lists: the writer thread's
 * CPU per record is what limits appends.
 *
 * <p>Each partition's records become batches, rows of its log table; see {@link BatchInserter}.
 *
 * <p>Not thread-safe: the writer thread's alone.
 */
final class AppendTransaction {
  private final StatementCache statements;
  private final java.util.function.Consumer<String> topicGone;

  /** A partition's state for the length of one transaction. */
  private static final class Cursor {
    final long topicId;
    final int partition;
    final String table;
    final long firstOffset;
    int count;
    int start;
    int placed;
    long sizeBytes;

    Cursor(long topicId, int partition, long firstOffset) {
      this.topicId = topicId;
      this.partition = partition;
      this.table = FileFormat.logTable(topicId, partition);
      this.firstOffset = firstOffset;
    }
  }

  private record PartitionKey(long topicId, int partition) {}

  /** Marks a partition found missing in this transaction. */
  private static final Cursor MISSING = new Cursor(-1, -1, -1);

  private final Map<PartitionKey, Cursor> cursors = new HashMap<>();
  private final List<Cursor> touched = new ArrayList<>();
  private final List<Completion> completions = new ArrayList<>();
  private EncodedRecord[] rows = new EncodedRecord[1024];
  private Cursor last;

  AppendTransaction(StatementCache statements, java.util.function.Consumer<String> topicGone) {
    this.statements = statements;
    this.topicGone = topicGone;
  }

  /**
   * Runs the transaction. Requests that fail on their own (their topic was deleted) are failed
   * here; the others are returned with their metadata, for the caller to complete after this
   * returns. The returned list is reused by the next call.
   *
   * @throws SQLException when the transaction failed as a whole; nothing was committed
   */
  List<Completion> run(List<AppendRequest> requests) throws SQLException {
    reset();
    statements.get("BEGIN IMMEDIATE").execute();
    try {
      int total = 0;
      for (AppendRequest request : requests) {
        if (!partitionsExist(request)) {
          continue;
        }
        RecordMetadata[] metadata = new RecordMetadata[request.size()];
        for (int i = 0; i < request.size(); i++) {
          EncodedRecord record = request.get(i);
          Cursor cursor = cursor(record);
          metadata[i] =
              new RecordMetadata(
                  record.topic(),
                  record.partition(),
                  cursor.firstOffset + cursor.count,
                  record.timestampMs());
          cursor.count++;
          cursor.sizeBytes += record.sizeInBytes();
        }
        total += request.size();
        completions.add(new Completion(request, metadata));
      }
      placeRows(total);
      for (Cursor cursor : touched) {
        if (cursor.count == 0) {
          continue;
        }
        BatchInserter.insert(
            statements, cursor.table, rows, cursor.start, cursor.count, cursor.firstOffset);
        PreparedStatement update =
            statements.get(
                "UPDATE partitions SET next_offset = ?, record_count = record_count + ?,"
                    + " size_bytes = size_bytes + ? WHERE topic_id = ? AND partition = ?");
        update.setLong(1, cursor.firstOffset + cursor.count);
        update.setLong(2, cursor.count);
        update.setLong(3, cursor.sizeBytes);
        update.setLong(4, cursor.topicId);
        update.setInt(5, cursor.partition);
        update.executeUpdate();
      }
      statements.get("COMMIT").execute();
      return completions;
    } catch (SQLException | RuntimeException | Error e) {
      rollback(e);
      statements.invalidate(e);
      throw e;
    } finally {
      java.util.Arrays.fill(rows, 0, Math.min(rows.length, countRows()), null);
    }
  }

  private void reset() {
    cursors.clear();
    touched.clear();
    completions.clear();
    last = null;
  }

  /** Groups the committed requests' records by partition, keeping queue order within each. */
  private void placeRows(int total) {
    if (rows.length < total) {
      rows = new EncodedRecord[Math.max(total, rows.length * 2)];
    }
    int start = 0;
    for (Cursor cursor : touched) {
      cursor.start = start;
      start += cursor.count;
    }
    for (Completion completion : completions) {
      AppendRequest request = completion.request();
      for (int i = 0; i < request.size(); i++) {
        Cursor cursor = cursor(request.get(i));
        rows[cursor.start + cursor.placed++] = request.get(i);
      }
    }
  }

  private int countRows() {
    int count = 0;
    for (Cursor cursor : touched) {
      count += cursor.placed;
    }
    return count;
  }

  /** The cursor of a record's partition, which {@link #partitionsExist} has looked up. */
  private Cursor cursor(EncodedRecord record) {
    if (last == null || last.topicId != record.topicId() || last.partition != record.partition()) {
      last = cursors.get(new PartitionKey(record.topicId(), record.partition()));
    }
    return last;
  }

  /**
   * Looks up (once per transaction) every partition the request touches; fails it if one is gone.
   */
  private boolean partitionsExist(AppendRequest request) throws SQLException {
    for (int i = 0; i < request.size(); i++) {
      EncodedRecord record = request.get(i);
      if (last != null
          && last.topicId == record.topicId()
          && last.partition == record.partition()) {
        continue;
      }
      PartitionKey key = new PartitionKey(record.topicId(), record.partition());
      Cursor cursor = cursors.get(key);
      if (cursor == null) {
        cursor = load(record);
        cursors.put(key, cursor);
        if (cursor != MISSING) {
          touched.add(cursor);
        }
      }
      if (cursor == MISSING) {
        last = null;
        topicGone.accept(record.topic());
        request.fail(
            new UnknownTopicException(
                "topic '"
                    + record.topic()
                    + "' was deleted before its records were committed;"
                    + " create it again and resend"));
        return false;
      }
      last = cursor;
    }
    return true;
  }

  private Cursor load(EncodedRecord record) throws SQLException {
    PreparedStatement select =
        statements.get("SELECT next_offset FROM partitions WHERE topic_id = ? AND partition = ?");
    select.setLong(1, record.topicId());
    select.setInt(2, record.partition());
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? new Cursor(record.topicId(), record.partition(), rs.getLong(1)) : MISSING;
    }
  }

  private void rollback(Throwable primary) {
    try {
      statements.get("ROLLBACK").execute();
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        primary.addSuppressed(e);
      }
    }
  }

  /** A request that committed, with the metadata to complete it with. */
  record Completion(AppendRequest request, RecordMetadata[] metadata) {}
}
