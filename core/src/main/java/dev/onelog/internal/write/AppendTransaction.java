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
 *   <li>for each partition the requests touch, read its row of {@code partitions}: the next
 *       offset comes from the file, never from memory, because another process may have
 *       appended since. A request touching a partition that no longer exists (its topic was
 *       deleted) fails alone, before anything is inserted, so one bad request never fails the
 *       others;
 *   <li>give offsets in queue order, insert each partition's rows, update its counters;
 *   <li>{@code COMMIT}; only then are futures completed.
 * </ol>
 *
 * Not thread-safe: the writer thread's alone.
 */
final class AppendTransaction {
  private final StatementCache statements;

  AppendTransaction(StatementCache statements) {
    this.statements = statements;
  }

  /** A partition's state for the length of one transaction. */
  private static final class Cursor {
    final long topicId;
    final int partition;
    final String table;
    final long firstOffset;
    final List<EncodedRecord> rows = new ArrayList<>();
    long sizeBytes;

    Cursor(long topicId, int partition, long firstOffset) {
      this.topicId = topicId;
      this.partition = partition;
      this.table = FileFormat.logTable(topicId, partition);
      this.firstOffset = firstOffset;
    }

    long nextOffset() {
      return firstOffset + rows.size();
    }
  }

  /** The partition cursors of the running transaction, by topic id and partition. */
  private final Map<Long, Map<Integer, Cursor>> cursors = new HashMap<>();

  /**
   * Runs the transaction. Requests that fail on their own (unknown partition) are failed here;
   * the rest are returned with their metadata for the caller to complete after the commit.
   *
   * @throws SQLException when the transaction failed as a whole; nothing was committed
   */
  List<Completion> run(List<AppendRequest> requests) throws SQLException {
    cursors.clear();
    List<Completion> completions = new ArrayList<>(requests.size());
    statements.get("BEGIN IMMEDIATE").execute();
    try {
      Cursor last = null;
      for (AppendRequest request : requests) {
        if (!partitionsExist(request)) {
          continue;
        }
        RecordMetadata[] metadata = new RecordMetadata[request.size()];
        for (int i = 0; i < request.size(); i++) {
          EncodedRecord record = request.get(i);
          if (last == null || last.topicId != record.topicId() || last.partition != record.partition()) {
            last = cursors.get(record.topicId()).get(record.partition());
          }
          metadata[i] = new RecordMetadata(record.topic(), record.partition(), last.nextOffset(), record.timestampMs());
          last.rows.add(record);
          last.sizeBytes += record.sizeInBytes();
        }
        completions.add(new Completion(request, metadata));
      }
      for (Map<Integer, Cursor> byPartition : cursors.values()) {
        for (Cursor cursor : byPartition.values()) {
          if (cursor.rows.isEmpty()) {
            continue;
          }
          RowInserter.insert(statements, cursor.table, cursor.rows, cursor.firstOffset);
          PreparedStatement update = statements.get(
              "UPDATE partitions SET next_offset = ?, record_count = record_count + ?,"
                  + " size_bytes = size_bytes + ? WHERE topic_id = ? AND partition = ?");
          update.setLong(1, cursor.nextOffset());
          update.setLong(2, cursor.rows.size());
          update.setLong(3, cursor.sizeBytes);
          update.setLong(4, cursor.topicId);
          update.setInt(5, cursor.partition);
          update.executeUpdate();
        }
      }
      statements.get("COMMIT").execute();
      return completions;
    } catch (SQLException | RuntimeException e) {
      rollback(e);
      throw e;
    } finally {
      cursors.clear();
    }
  }

  /** Looks up (once per transaction) every partition the request touches; fails it if one is gone. */
  private boolean partitionsExist(AppendRequest request) throws SQLException {
    for (int i = 0; i < request.size(); i++) {
      EncodedRecord record = request.get(i);
      Map<Integer, Cursor> byPartition = cursors.computeIfAbsent(record.topicId(), id -> new HashMap<>());
      if (byPartition.containsKey(record.partition())) {
        continue;
      }
      PreparedStatement select = statements.get(
          "SELECT next_offset FROM partitions WHERE topic_id = ? AND partition = ?");
      select.setLong(1, record.topicId());
      select.setInt(2, record.partition());
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          request.fail(new UnknownTopicException(
              "topic '" + record.topic() + "' was deleted before its records were committed;"
                  + " create it again and resend"));
          return false;
        }
        byPartition.put(record.partition(), new Cursor(record.topicId(), record.partition(), rs.getLong(1)));
      }
    }
    return true;
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
