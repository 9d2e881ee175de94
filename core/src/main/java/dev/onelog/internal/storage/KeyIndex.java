package dev.onelog.internal.storage;

import dev.onelog.InvalidRecordException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * The key index of a compacted partition, table {@code keys_T_P}: one row per key that has a record
 * below the partition's {@code indexed_offset} (in {@code cleaner_points}). The cleaner keeps
 * {@code latest_offset} (the key's newest record), behind the appends, in generations of thousands
 * of records sorted by key ({@code IndexGeneration}): appends to a compacted topic write only their
 * records, and an index page takes many keys at once. {@code log.latest(topic, key)} looks for the
 * key in the records above {@code indexed_offset} first, newest first, then here: two b-tree
 * lookups. Compaction decides what to keep from the index rather than from a map built by rereading
 * the log, as Kafka's cleaner does, and keeps {@code clean_offset} (the key's one record below the
 * cleaner point) and {@code delete_horizon_ms} (when that record is a tombstone: the time after
 * which it goes).
 *
 * <pre>
 * keys_T_P: key BLOB PRIMARY KEY, latest_offset INTEGER NOT NULL, clean_offset INTEGER,
 *           delete_horizon_ms INTEGER          (WITHOUT ROWID: the key is the b-tree's key)
 * keys_T_P_horizon: index on delete_horizon_ms WHERE delete_horizon_ms IS NOT NULL
 * </pre>
 *
 * Upserts go in statements of up to {@value #ROWS_PER_UPSERT} rows: each JDBC call costs about a
 * microsecond beside SQLite's own work. {@code latest_offset} only rises. Stateless; the statements
 * belong to the caller's connection and thread.
 */
public final class KeyIndex {
  private KeyIndex() {}

  static final int ROWS_PER_UPSERT = 64;

  /** Creates the key index and the cleaner point of partitions {@code from .. to-1}. */
  public static void create(Connection writer, TopicMeta topic, int from, int to)
      throws SQLException {
    try (Statement ddl = writer.createStatement();
        PreparedStatement point =
            writer.prepareStatement(
                "INSERT INTO cleaner_points (topic_id, partition) VALUES (?, ?)")) {
      for (int p = from; p < to; p++) {
        for (String sql : FileFormat.createKeysTable(topic.id(), p)) {
          ddl.execute(sql);
        }
        point.setLong(1, topic.id());
        point.setInt(2, p);
        point.executeUpdate();
      }
    }
  }

  /** Drops the key indexes and cleaner points of every partition of the topic. */
  static void drop(Connection writer, TopicMeta topic) throws SQLException {
    try (Statement ddl = writer.createStatement()) {
      for (int p = 0; p < topic.partitions(); p++) {
        ddl.execute("DROP TABLE IF EXISTS " + topic.keysTable(p));
      }
      ddl.execute("DELETE FROM cleaner_points WHERE topic_id = " + topic.id());
    }
  }

  /**
   * Indexes every record a partition holds, for a topic whose policy becomes compacting.
   *
   * @throws InvalidRecordException when a record has no key: compaction could neither keep nor
   *     remove it
   */
  static long build(Connection writer, TopicMeta topic, int partition) throws SQLException {
    long records = 0;
    try (PreparedStatement upsert =
            writer.prepareStatement(upsertSql(topic.keysTable(partition), 1));
        PreparedStatement select =
            writer.prepareStatement(
                "SELECT base_offset, records FROM "
                    + topic.logTable(partition)
                    + " ORDER BY last_offset");
        ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        BatchCursor cursor = new BatchCursor(rs.getLong(1), rs.getBytes(2));
        while (cursor.next()) {
          byte[] key = cursor.key();
          if (key == null) {
            throw new InvalidRecordException(
                "partition "
                    + topic.name()
                    + "-"
                    + partition
                    + " holds a record without a key at offset "
                    + cursor.offset()
                    + ", so it cannot become compacted (compaction keeps the newest record of"
                    + " each key); delete the records without a key first"
                    + " (deleteRecordsBefore) or keep the policy delete",
                topic.name());
          }
          upsert.setBytes(1, key);
          upsert.setLong(2, cursor.offset());
          upsert.executeUpdate();
          records++;
        }
      }
    }
    try (PreparedStatement indexed =
        writer.prepareStatement(
            "UPDATE cleaner_points SET indexed_offset = (SELECT next_offset FROM partitions p"
                + " WHERE p.topic_id = cleaner_points.topic_id"
                + " AND p.partition = cleaner_points.partition)"
                + " WHERE topic_id = ? AND partition = ?")) {
      indexed.setLong(1, topic.id());
      indexed.setInt(2, partition);
      indexed.executeUpdate();
    }
    return records;
  }

  /**
   * Raises {@code latest_offset} of {@code keys.get(i)} to {@code offsets.applyAsLong(i)}; new keys
   * are inserted. The keys come sorted in SQLite's BLOB order, each once (an indexing generation),
   * and go {@value #ROWS_PER_UPSERT} rows a statement, so the b-tree is walked left to right once
   * and the pages a chunk of neighbouring keys changes are few.
   */
  public static void raiseLatest(
      StatementCache statements, String table, List<byte[]> keys, IntToLongFunction offsets)
      throws SQLException {
    inChunks(
        statements,
        keys.size(),
        rows -> upsertSql(table, rows),
        (statement, r, i) -> {
          statement.setBytes(2 * r + 1, keys.get(i));
          statement.setLong(2 * r + 2, offsets.applyAsLong(i));
        });
  }

  static String upsertSql(String table, int rows) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table);
    sql.append(" (key, latest_offset) VALUES (?, ?)");
    for (int r = 1; r < rows; r++) {
      sql.append(", (?, ?)");
    }
    return sql.append(
            " ON CONFLICT (key) DO UPDATE SET latest_offset = max(latest_offset,"
                + " excluded.latest_offset)")
        .toString();
  }

  /**
   * Makes the record at {@code offset.applyAsLong(i)} the clean record of {@code keys.get(i)}, with
   * the delete horizon {@code horizonMs.apply(i)} (null unless it is a tombstone), raising {@code
   * latest_offset} to it if the index missed it. The keys come sorted, from a compaction pass, and
   * go {@value #ROWS_PER_UPSERT} rows a statement, so the b-tree is walked left to right once.
   */
  public static void setClean(
      StatementCache statements,
      String table,
      List<byte[]> keys,
      IntToLongFunction offset,
      IntFunction<Long> horizonMs)
      throws SQLException {
    inChunks(
        statements,
        keys.size(),
        rows -> setCleanSql(table, rows),
        (statement, r, i) -> {
          statement.setBytes(3 * r + 1, keys.get(i));
          statement.setLong(3 * r + 2, offset.applyAsLong(i));
          Long horizon = horizonMs.apply(i);
          if (horizon == null) {
            statement.setNull(3 * r + 3, Types.INTEGER);
          } else {
            statement.setLong(3 * r + 3, horizon);
          }
        });
  }

  /** Binds item {@code i} as row {@code r} of a multi-row statement. */
  private interface RowBinder {
    void bind(PreparedStatement statement, int r, int i) throws SQLException;
  }

  /**
   * Runs {@code count} items through statements of {@value #ROWS_PER_UPSERT} rows ({@code
   * sqlFor.apply(rows)}), the rest one row a statement.
   */
  private static void inChunks(
      StatementCache statements, int count, IntFunction<String> sqlFor, RowBinder binder)
      throws SQLException {
    int done = 0;
    while (done < count) {
      int rows = count - done >= ROWS_PER_UPSERT ? ROWS_PER_UPSERT : 1;
      PreparedStatement statement = statements.get(sqlFor.apply(rows));
      for (int r = 0; r < rows; r++, done++) {
        binder.bind(statement, r, done);
      }
      statement.executeUpdate();
    }
  }

  private static String setCleanSql(String table, int rows) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table);
    sql.append(" (key, latest_offset, clean_offset, delete_horizon_ms) VALUES (?1, ?2, ?2, ?3)");
    for (int r = 1; r < rows; r++) {
      int p = 3 * r;
      sql.append(", (?").append(p + 1).append(", ?").append(p + 2);
      sql.append(", ?").append(p + 2).append(", ?").append(p + 3).append(')');
    }
    return sql.append(
            " ON CONFLICT (key) DO UPDATE SET latest_offset = max(latest_offset,"
                + " excluded.latest_offset), clean_offset = excluded.clean_offset,"
                + " delete_horizon_ms = excluded.delete_horizon_ms")
        .toString();
  }

  /**
   * After the record of {@code key} at {@code offset} was deleted (retention, deleteRecordsBefore):
   * drops the key when that was its newest record, and forgets it as the key's kept record.
   */
  public static void forget(StatementCache statements, String table, byte[] key, long offset)
      throws SQLException {
    PreparedStatement delete =
        statements.get("DELETE FROM " + table + " WHERE key = ? AND latest_offset <= ?");
    delete.setBytes(1, key);
    delete.setLong(2, offset);
    if (delete.executeUpdate() == 0) {
      PreparedStatement update =
          statements.get(
              "UPDATE "
                  + table
                  + " SET clean_offset = NULL, delete_horizon_ms = NULL"
                  + " WHERE key = ? AND clean_offset <= ?");
      update.setBytes(1, key);
      update.setLong(2, offset);
      update.executeUpdate();
    }
  }
}
