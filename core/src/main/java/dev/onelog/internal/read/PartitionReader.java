package dev.onelog.internal.read;

import dev.onelog.CorruptRecordException;
import dev.onelog.LogRecord;
import dev.onelog.ReadLimit;
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
 * The queries that read one partition: rowid range scans on its log table and its row of the
 * partitions table. Stateless; each call runs on the session it is given (one thread's).
 */
public final class PartitionReader {
  private PartitionReader() {}

  /** One partition's row of the partitions table. */
  public record PartitionState(
      long logStartOffset, long nextOffset, long recordCount, long sizeBytes) {}

  /**
   * Records from {@code fromOffset} on, within the limit; at least one record when one exists.
   * Every record's CRC is checked.
   *
   * @throws CorruptRecordException naming the first record whose CRC does not match
   */
  public static List<LogRecord> read(
      StatementCache session, TopicMeta topic, int partition, long fromOffset, ReadLimit limit)
      throws SQLException {
    PreparedStatement select =
        session.get(
            "SELECT offset, timestamp_ms, key, value, headers, crc FROM "
                + topic.logTable(partition)
                + " WHERE offset >= ? ORDER BY offset LIMIT ?");
    select.setLong(1, fromOffset);
    select.setInt(2, limit.maxRecords());
    List<LogRecord> records = new ArrayList<>(Math.min(limit.maxRecords(), 1024));
    long bytes = 0;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        long offset = rs.getLong(1);
        long timestampMs = rs.getLong(2);
        byte[] key = rs.getBytes(3);
        byte[] value = rs.getBytes(4);
        byte[] headers = rs.getBytes(5);
        long crc = rs.getLong(6);
        if (RecordCodec.crc(timestampMs, key, value, headers) != crc) {
          throw new CorruptRecordException(
              "record "
                  + topic.name()
                  + "-"
                  + partition
                  + "@"
                  + offset
                  + " does not match its CRC32C;"
                  + " the file was damaged or edited. Run 'onelog verify' to list every damaged record");
        }
        bytes += RecordCodec.sizeInBytes(key, value, headers);
        if (!records.isEmpty() && bytes > limit.maxBytes()) {
          break;
        }
        records.add(
            new LogRecord(
                topic.name(),
                partition,
                offset,
                timestampMs,
                key,
                value,
                RecordCodec.decodeHeaders(headers)));
      }
    }
    return records;
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

  /** The timestamp of the newest record, or -1 when the partition holds none. */
  public static long lastTimestampMs(StatementCache session, TopicMeta topic, int partition)
      throws SQLException {
    PreparedStatement select =
        session.get(
            "SELECT timestamp_ms FROM "
                + topic.logTable(partition)
                + " ORDER BY offset DESC LIMIT 1");
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  /**
   * The first offset whose timestamp is at or after {@code timestampMs}, as Kafka's ListOffsets.
   * Scans forward from the start of the partition and stops at the first match: there is no
   * timestamp index, so this costs a scan of the records before the match.
   */
  public static OptionalLong offsetForTimestamp(
      StatementCache session, TopicMeta topic, int partition, long timestampMs)
      throws SQLException {
    PreparedStatement select =
        session.get(
            "SELECT offset FROM "
                + topic.logTable(partition)
                + " WHERE timestamp_ms >= ? ORDER BY offset LIMIT 1");
    select.setLong(1, timestampMs);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
    }
  }

  /** SQLite's {@code PRAGMA data_version}: changes when another connection commits. */
  public static long dataVersion(StatementCache session) throws SQLException {
    try (ResultSet rs = session.get("PRAGMA data_version").executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
