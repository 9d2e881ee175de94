package dev.onelog.internal.read;

import dev.onelog.LogRecord;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Optional;

/**
 * The newest record of a key in a compacted partition, in one read snapshot: first the records not
 * yet in the key index (from the partition's {@code indexed_offset} up), newest batch first; when
 * the key is not among them, the key index gives its offset and a rowid search its batch. The
 * unindexed records are what the cleaner has not indexed yet (it indexes them all once appends
 * pause; a burst faster than indexing leaves many for a while), not the log's length. Stateless.
 *
 * <pre>{@code
 * SELECT base_offset, records, crc, last_offset FROM log_T_P
 *  WHERE last_offset >= (SELECT indexed_offset FROM cleaner_points WHERE ...) ORDER BY last_offset DESC
 * SELECT l.base_offset, l.records, l.crc, l.last_offset, k.latest_offset
 *   FROM keys_T_P k JOIN log_T_P l
 *     ON l.last_offset = (SELECT min(last_offset) FROM log_T_P WHERE last_offset >= k.latest_offset)
 *  WHERE k.key = ?
 * }</pre>
 */
public final class LatestByKey {
  private LatestByKey() {}

  /**
   * The key's newest record; empty when the partition has none, or when it is a tombstone.
   *
   * @throws IllegalArgumentException when the topic is not compacted
   * @throws dev.onelog.CorruptRecordException when the batch holding it is damaged
   */
  public static Optional<LogRecord> read(
      StatementCache session, TopicMeta topic, int partition, byte[] key) throws SQLException {
    if (!topic.compacted()) {
      throw new IllegalArgumentException(
          "topic '"
              + topic.name()
              + "' has cleanup policy delete, so it keeps no key index; latest-by-key reads need"
              + " policy compact or compact,delete (alter the topic to change it)");
    }
    try (Statement s = session.connection().createStatement()) {
      s.execute("BEGIN"); // one snapshot for both lookups
      try {
        Found tail = unindexed(session, topic, partition, key);
        return tail != null ? tail.record() : indexed(session, topic, partition, key);
      } finally {
        s.execute("COMMIT");
      }
    }
  }

  /** The key's record found, possibly a tombstone (an empty record). */
  private record Found(Optional<LogRecord> record) {}

  private static Found unindexed(StatementCache session, TopicMeta topic, int partition, byte[] key)
      throws SQLException {
    String log = topic.logTable(partition);
    PreparedStatement select =
        session.get(
            "SELECT base_offset, records, crc, last_offset FROM "
                + log
                + " WHERE last_offset >= (SELECT indexed_offset FROM cleaner_points"
                + " WHERE topic_id = ? AND partition = ?) ORDER BY last_offset DESC");
    select.setLong(1, topic.id());
    select.setInt(2, partition);
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        long lastOffset = rs.getLong(4);
        BatchCursor batch = checked(topic, partition, rs, lastOffset);
        long found = -1;
        try {
          while (batch.next()) {
            if (batch.keyEquals(key)) {
              found = batch.offset();
            }
          }
        } catch (IllegalArgumentException e) {
          throw PartitionReader.corrupt(topic, partition, lastOffset, e.getMessage());
        }
        if (found >= 0) {
          return new Found(recordAt(topic, partition, rs, found, key));
        }
      }
    }
    return null;
  }

  private static Optional<LogRecord> indexed(
      StatementCache session, TopicMeta topic, int partition, byte[] key) throws SQLException {
    String log = topic.logTable(partition);
    PreparedStatement select =
        session.get(
            "SELECT l.base_offset, l.records, l.crc, l.last_offset, k.latest_offset FROM "
                + topic.keysTable(partition)
                + " k JOIN "
                + log
                + " l ON l.last_offset = (SELECT min(last_offset) FROM "
                + log
                + " WHERE last_offset >= k.latest_offset) WHERE k.key = ?");
    select.setBytes(1, key);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? recordAt(topic, partition, rs, rs.getLong(5), key) : Optional.empty();
    }
  }

  /** The batch in the current row (base_offset, records, crc, last_offset), its CRC checked. */
  private static BatchCursor checked(TopicMeta topic, int partition, ResultSet rs, long lastOffset)
      throws SQLException {
    long baseOffset = rs.getLong(1);
    byte[] records = rs.getBytes(2);
    if (records == null || RecordBatch.crc(baseOffset, records) != rs.getLong(3)) {
      throw PartitionReader.corrupt(topic, partition, lastOffset, "it does not match its CRC32C");
    }
    try {
      return new BatchCursor(baseOffset, records);
    } catch (IllegalArgumentException e) {
      throw PartitionReader.corrupt(topic, partition, lastOffset, e.getMessage());
    }
  }

  /** The record at {@code offset} of the batch in the current row, empty for a tombstone. */
  private static Optional<LogRecord> recordAt(
      TopicMeta topic, int partition, ResultSet rs, long offset, byte[] key) throws SQLException {
    long lastOffset = rs.getLong(4);
    BatchCursor batch = checked(topic, partition, rs, lastOffset);
    try {
      while (batch.next() && batch.offset() <= offset) {
        if (batch.offset() == offset) {
          if (!Arrays.equals(batch.key(), key) || batch.value() == null) {
            return Optional.empty(); // a tombstone, or a damaged or hand-edited index row
          }
          return Optional.of(
              new LogRecord(
                  topic.name(),
                  partition,
                  offset,
                  batch.timestampMs(),
                  batch.key(),
                  batch.value(),
                  RecordCodec.decodeHeaders(batch.headers())));
        }
      }
    } catch (IllegalArgumentException e) {
      throw PartitionReader.corrupt(topic, partition, lastOffset, e.getMessage());
    }
    return Optional.empty(); // an index row that outlived its record: damage or a hand edit
  }
}
