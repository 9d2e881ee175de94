package dev.onelog.internal.cleanup;

import dev.onelog.TopicPartition;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition as retention and compaction see it, read inside the transaction that changes it: its
 * topic's settings, its row of {@code partitions} and, when the topic compacts, its row of {@code
 * cleaner_points}. Immutable; a step reads it afresh, since another process may have appended,
 * cleaned or deleted since.
 *
 * @param cleanerOffset records below it hold one record per key (0 when the topic does not compact)
 * @param cleanBytes the bytes of the records below the cleaner point
 * @param indexedOffset records below it are in the key index (0 when the topic does not compact)
 */
record PartitionState(
    TopicMeta topic,
    int partition,
    long logStartOffset,
    long nextOffset,
    long recordCount,
    long sizeBytes,
    long cleanerOffset,
    long cleanBytes,
    long indexedOffset) {

  private static final String SELECT =
      "SELECT t.*, p.partition, p.log_start_offset, p.next_offset, p.record_count, p.size_bytes,"
          + " COALESCE(c.cleaner_offset, 0), COALESCE(c.clean_bytes, 0),"
          + " COALESCE(c.indexed_offset, 0)"
          + " FROM ("
          + TopicCatalog.SELECT_TOPICS
          + ") AS t JOIN partitions p ON p.topic_id = t.id"
          + " LEFT JOIN cleaner_points c ON c.topic_id = p.topic_id AND c.partition = p.partition";

  /** Every partition of a topic that has retention or compacts, in topic id and partition order. */
  static List<PartitionState> withCleanup(StatementCache statements) throws SQLException {
    PreparedStatement select =
        statements.get(
            SELECT
                + " WHERE t.retention_ms IS NOT NULL OR t.retention_bytes IS NOT NULL"
                + " OR t.cleanup_policy <> 'delete' ORDER BY t.id, p.partition");
    List<PartitionState> states = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        states.add(of(rs));
      }
    }
    return states;
  }

  /** The partition, or null when its topic or the partition does not exist. */
  static PartitionState find(StatementCache statements, TopicPartition partition)
      throws SQLException {
    PreparedStatement select = statements.get(SELECT + " WHERE t.name = ? AND p.partition = ?");
    select.setString(1, partition.topic());
    select.setInt(2, partition.partition());
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? of(rs) : null;
    }
  }

  private static PartitionState of(ResultSet rs) throws SQLException {
    TopicMeta topic = TopicCatalog.topicMeta(rs);
    return new PartitionState(
        topic,
        rs.getInt(11),
        rs.getLong(12),
        rs.getLong(13),
        rs.getLong(14),
        rs.getLong(15),
        rs.getLong(16),
        rs.getLong(17),
        rs.getLong(18));
  }

  String logTable() {
    return topic.logTable(partition);
  }

  String keysTable() {
    return topic.keysTable(partition);
  }

  boolean compacted() {
    return topic.compacted();
  }

  boolean hasRetention() {
    return topic.retentionMs() != null || topic.retentionBytes() != null;
  }

  /** Records (offsets) not yet in the key index. */
  long unindexedRecords() {
    return nextOffset - Math.max(indexedOffset, logStartOffset);
  }

  /** The share of the partition's bytes written since the cleaner last passed: Kafka's ratio. */
  double dirtyShare() {
    return sizeBytes == 0 ? 0 : (double) (sizeBytes - cleanBytes) / sizeBytes;
  }

  /** "orders-0", as messages name a partition. */
  String name() {
    return topic.name() + "-" + partition;
  }
}
