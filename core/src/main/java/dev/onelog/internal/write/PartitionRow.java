package dev.onelog.internal.write;

import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A partition's row of {@code partitions} as an append step reads and updates it: the next offset
 * comes from the file, never from memory, because another process may have appended since, and so
 * may an earlier step of the same transaction.
 */
record PartitionRow(long nextOffset, boolean compacted) {
  /** The row of the partition, with its topic's cleanup policy; null when it no longer exists. */
  static PartitionRow find(StatementCache statements, long topicId, int partition)
      throws SQLException {
    PreparedStatement select =
        statements.get(
            "SELECT p.next_offset, t.cleanup_policy <> 'delete' FROM partitions p"
                + " JOIN topics t ON t.id = p.topic_id WHERE p.topic_id = ? AND p.partition = ?");
    select.setLong(1, topicId);
    select.setInt(2, partition);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? new PartitionRow(rs.getLong(1), rs.getBoolean(2)) : null;
    }
  }

  /** Moves the partition's next offset to {@code nextOffset} after {@code count} new records. */
  static void appended(
      StatementCache statements,
      long topicId,
      int partition,
      long nextOffset,
      long count,
      long sizeBytes)
      throws SQLException {
    PreparedStatement update =
        statements.get(
            "UPDATE partitions SET next_offset = ?, record_count = record_count + ?,"
                + " size_bytes = size_bytes + ? WHERE topic_id = ? AND partition = ?");
    update.setLong(1, nextOffset);
    update.setLong(2, count);
    update.setLong(3, sizeBytes);
    update.setLong(4, topicId);
    update.setInt(5, partition);
    update.executeUpdate();
  }
}
