package dev.onelog.internal.read;

import dev.onelog.LogRecord;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The newest record of a key in a compacted partition: the key index gives its offset, a rowid
 * search its batch, in one statement and so one snapshot. Two b-tree lookups and one batch decoded,
 * whatever the partition's length. Stateless.
 *
 * <pre>{@code
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
      if (!rs.next()) {
        return Optional.empty();
      }
      long baseOffset = rs.getLong(1);
      byte[] records = rs.getBytes(2);
      long lastOffset = rs.getLong(4);
      long offset = rs.getLong(5);
      if (records == null || RecordBatch.crc(baseOffset, records) != rs.getLong(3)) {
        throw PartitionReader.corrupt(topic, partition, lastOffset, "it does not match its CRC32C");
      }
      RecordBatch.Cursor batch = new RecordBatch.Cursor(baseOffset, records);
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
}
