package dev.onelog.internal.read;

import dev.onelog.CorruptRecordException;
import dev.onelog.LogRecord;
import dev.onelog.ReadLimit;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The queries that read one partition: rowid range scans over its log table's batches and its row
 * of the partitions table. Stateless; each call runs on the session it is given (one thread's).
 */
public final class PartitionReader {
  private PartitionReader() {}

  /** One partition's row of the partitions table. */
  public record PartitionState(
      long logStartOffset, long nextOffset, long recordCount, long sizeBytes) {}

  /**
   * Records from {@code fromOffset} on, within the limit; at least one record when one exists.
   * Every batch read is checked against its CRC.
   *
   * @throws CorruptRecordException naming the first batch that does not match its CRC or does not
   *     decode
   */
  public static List<LogRecord> read(
      StatementCache session, TopicMeta topic, int partition, long fromOffset, ReadLimit limit)
      throws SQLException {
    PreparedStatement select =
        session.get(
            "SELECT base_offset, records, crc, last_offset FROM "
                + topic.logTable(partition)
                + " WHERE last_offset >= ? ORDER BY last_offset");
    select.setLong(1, fromOffset);
    List<LogRecord> records = new ArrayList<>(Math.min(limit.maxRecords(), 1024));
    long bytes = 0;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        RecordBatch.Cursor batch = checkedBatch(rs, topic, partition);
        try {
          while (batch.next()) {
            if (batch.offset() < fromOffset) {
              continue;
            }
            bytes += batch.sizeInBytes();
            if (!records.isEmpty() && bytes > limit.maxBytes()) {
              return records;
            }
            records.add(
                new LogRecord(
                    topic.name(),
                    partition,
                    batch.offset(),
                    batch.timestampMs(),
                    batch.key(),
                    batch.value(),
                    RecordCodec.decodeHeaders(batch.headers())));
            if (records.size() >= limit.maxRecords()) {
              return records;
            }
          }
        } catch (IllegalArgumentException e) {
          throw corrupt(topic, partition, rs.getLong(4), e.getMessage());
        }
      }
    }
    return records;
  }

  /** The batch in the result set's current row (base_offset, records, crc, last_offset). */
  private static RecordBatch.Cursor checkedBatch(ResultSet rs, TopicMeta topic, int partition)
      throws SQLException {
    long baseOffset = rs.getLong(1);
    byte[] records = rs.getBytes(2);
    long crc = rs.getLong(3);
    if (records == null || RecordBatch.crc(baseOffset, records) != crc) {
      throw corrupt(topic, partition, rs.getLong(4), "it does not match its CRC32C");
    }
    return new RecordBatch.Cursor(baseOffset, records);
  }

  private static CorruptRecordException corrupt(
      TopicMeta topic, int partition, long lastOffset, String why) {
    return new CorruptRecordException(
        "the batch of records ending at "
            + topic.name()
            + "-"
            + partition
            + "@"
            + lastOffset
            + " is damaged: "
            + why
            + ". The file was damaged or edited. Run 'onelog verify' to list every damaged batch");
  }

  public static PartitionState state(StatementCache session, TopicMeta topic, int partition)
      throws SQLException {
    PreparedStatement select =
        session.get(
            "SELECT log_start_offset, next_offset, record_count, size_bytes FROM partitions"
                + " WHERE topic_id = ? AND partition = ?");
    select.setLong(1, topic.id());
    select.setInt(2, partition);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException(
            "no such table: partitions row of " + topic.name() + "-" + partition);
      }
      return new PartitionState(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
    }
  }

  /**
   * The largest timestamp in the newest batch, or -1 when the partition holds none: the newest
   * record's timestamp unless senders set timestamps out of order. Reads one column, not the batch,
   * so describing thousands of partitions stays cheap.
   */
  public static long lastTimestampMs(StatementCache session, TopicMeta topic, int partition)
      throws SQLException {
    PreparedStatement select =
        session.get(
            "SELECT max_timestamp_ms FROM "
                + topic.logTable(partition)
                + " ORDER BY last_offset DESC LIMIT 1");
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  /**
   * The first offset whose timestamp is at or after {@code timestampMs}, as Kafka's ListOffsets.
   * Scans the batches' {@code max_timestamp_ms} from the start of the partition to the first batch
   * that holds a match, then that batch's records: there is no timestamp index, so this costs a
   * scan of one row per batch before the match.
   */
  public static OptionalLong offsetForTimestamp(
      StatementCache session, TopicMeta topic, int partition, long timestampMs)
      throws SQLException {
    PreparedStatement select =
        session.get(
            "SELECT base_offset, records, crc, last_offset FROM "
                + topic.logTable(partition)
                + " WHERE max_timestamp_ms >= ? ORDER BY last_offset LIMIT 1");
    select.setLong(1, timestampMs);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        return OptionalLong.empty();
      }
      RecordBatch.Cursor batch = checkedBatch(rs, topic, partition);
      try {
        while (batch.next()) {
          if (batch.timestampMs() >= timestampMs) {
            return OptionalLong.of(batch.offset());
          }
        }
      } catch (IllegalArgumentException e) {
        throw corrupt(topic, partition, rs.getLong(4), e.getMessage());
      }
      throw corrupt(
          topic, partition, rs.getLong(4), "its max_timestamp_ms is above all its records'");
    }
  }

  /** SQLite's {@code PRAGMA data_version}: changes when another connection commits. */
  public static long dataVersion(StatementCache session) throws SQLException {
    try (ResultSet rs = session.get("PRAGMA data_version").executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
