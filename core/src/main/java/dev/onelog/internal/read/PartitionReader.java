package dev.onelog.internal.read;

import dev.onelog.CorruptRecordException;
import dev.onelog.LogRecord;
import dev.onelog.ReadLimit;
import dev.onelog.RecordView;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

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
   * Every batch read is checked against its CRC, and against the row's {@code last_offset} and
   * {@code record_count}, which the CRC does not cover: no record above {@code last_offset} is ever
   * returned, and a batch walked to its end must hold {@code record_count} records ending at {@code
   * last_offset}. A read that stops inside a batch does not walk the rest, except that one ending
   * on the row's {@code last_offset} checks that nothing follows it, since the next read would
   * start past this row.
   *
   * @throws CorruptRecordException naming the first batch that does not match its CRC or its row,
   *     or does not decode
   */
  public static List<LogRecord> read(
      StatementCache session, TopicMeta topic, int partition, long fromOffset, ReadLimit limit)
      throws SQLException {
    List<LogRecord> records = new ArrayList<>(Math.min(limit.maxRecords(), 1024));
    readInto(session, topic, partition, fromOffset, limit, records);
    return records;
  }

  /**
   * {@link #read}, adding the records to {@code into} instead of a list of its own (a consumer's
   * poll gathers several partitions' records in one list, with no copy from a list per partition);
   * returns their key, value and header bytes ({@link RecordView#sizeInBytes}), counted while it
   * decodes them.
   */
  public static long readInto(
      StatementCache session,
      TopicMeta topic,
      int partition,
      long fromOffset,
      ReadLimit limit,
      List<LogRecord> into)
      throws SQLException {
    long[] sizeBytes = new long[1];
    scan(
        session,
        topic,
        partition,
        fromOffset,
        limit,
        record -> {
          sizeBytes[0] += record.sizeInBytes();
          into.add(record.toRecord());
        });
    return sizeBytes[0];
  }

  /**
   * Visits the records {@link #read} would return, in order, as views of their batches; returns how
   * many it visited. The checks are {@link #read}'s.
   *
   * @throws CorruptRecordException naming the first batch that does not match its CRC or its row,
   *     or does not decode
   */
  public static int scan(
      StatementCache session,
      TopicMeta topic,
      int partition,
      long fromOffset,
      ReadLimit limit,
      Consumer<? super RecordView> visitor)
      throws SQLException {
    PreparedStatement select =
        prepare(
            session,
            topic,
            partition,
            "SELECT base_offset, records, crc, last_offset, record_count FROM "
                + topic.logTable(partition)
                + " WHERE last_offset >= ? ORDER BY last_offset");
    select.setLong(1, fromOffset);
    int visited = 0;
    long bytes = 0;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        BatchCursor batch = checkedBatch(rs, topic, partition);
        CursorView view = new CursorView(batch, topic.name(), partition);
        long lastOffset = rs.getLong(4);
        int walked = 0;
        try {
          while (batch.next()) {
            walked++;
            checkBelowLastOffset(batch, topic, partition, lastOffset);
            if (batch.offset() < fromOffset) {
              continue;
            }
            bytes += batch.sizeInBytes();
            if (visited > 0 && bytes > limit.maxBytes()) {
              return visited;
            }
            visitor.accept(view);
            visited++;
            if (visited >= limit.maxRecords()) {
              if (batch.offset() == lastOffset) {
                // The next read starts past this row: make sure it skips nothing.
                while (batch.next()) {
                  walked++;
                  checkBelowLastOffset(batch, topic, partition, lastOffset);
                }
                checkWalked(rs, batch, walked, topic, partition, lastOffset);
              }
              return visited;
            }
          }
        } catch (IllegalArgumentException e) {
          throw corrupt(topic, partition, lastOffset, e.getMessage());
        }
        checkWalked(rs, batch, walked, topic, partition, lastOffset);
      }
    }
    return visited;
  }

  /**
   * Visits whole stored batches from the one holding {@code fromOffset} (the first with {@code
   * last_offset >= fromOffset}), each checked against its CRC and its row's base offset, until the
   * next would take the bytes past {@code maxBytes} (the first always goes); returns how many.
   *
   * @throws CorruptRecordException naming the first batch that does not match its CRC or row
   */
  public static int scanBatches(
      StatementCache session,
      TopicMeta topic,
      int partition,
      long fromOffset,
      long maxBytes,
      Consumer<ByteBuffer> visitor)
      throws SQLException {
    PreparedStatement select =
        prepare(
            session,
            topic,
            partition,
            "SELECT base_offset, records, crc, last_offset FROM "
                + topic.logTable(partition)
                + " WHERE last_offset >= ? ORDER BY last_offset");
    select.setLong(1, fromOffset);
    int visited = 0;
    long bytes = 0;
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        long baseOffset = rs.getLong(1);
        byte[] records = rs.getBytes(2);
        if (visited > 0 && bytes + (records == null ? 0 : records.length) > maxBytes) {
          break;
        }
        if (records == null || RecordBatch.crc(baseOffset, records) != rs.getLong(3)) {
          throw corrupt(topic, partition, rs.getLong(4), "it does not match its CRC32C");
        }
        if (records.length < RecordBatch.HEADER_BYTES
            || ByteBuffer.wrap(records).getLong(0) != baseOffset) {
          throw corrupt(
              topic, partition, rs.getLong(4), "its header's base offset is not its row's");
        }
        visitor.accept(ByteBuffer.wrap(records));
        bytes += records.length;
        visited++;
      }
    }
    return visited;
  }

  private static void checkBelowLastOffset(
      BatchCursor batch, TopicMeta topic, int partition, long lastOffset) {
    if (batch.offset() > lastOffset) {
      throw corrupt(
          topic,
          partition,
          lastOffset,
          "it holds offset " + batch.offset() + ", above its last_offset");
    }
  }

  /**
   * Checks a batch walked to its end against its row: {@code record_count} in column 5, and its
   * last record at {@code last_offset}.
   */
  private static void checkWalked(
      ResultSet rs, BatchCursor batch, int walked, TopicMeta topic, int partition, long lastOffset)
      throws SQLException {
    long recordCount = rs.getLong(5);
    if (walked != recordCount) {
      throw corrupt(
          topic,
          partition,
          lastOffset,
          "its record_count is " + recordCount + " but it holds " + walked + " records");
    }
    if (batch.offset() != lastOffset) {
      throw corrupt(
          topic,
          partition,
          lastOffset,
          "its last record is at offset " + batch.offset() + ", not at its last_offset");
    }
  }

  /** The batch in the result set's current row (base_offset, records, crc, last_offset). */
  private static BatchCursor checkedBatch(ResultSet rs, TopicMeta topic, int partition)
      throws SQLException {
    long baseOffset = rs.getLong(1);
    byte[] records = rs.getBytes(2);
    long crc = rs.getLong(3);
    if (records == null || RecordBatch.crc(baseOffset, records) != crc) {
      throw corrupt(topic, partition, rs.getLong(4), "it does not match its CRC32C");
    }
    try {
      return new BatchCursor(baseOffset, records);
    } catch (IllegalArgumentException e) {
      throw corrupt(topic, partition, rs.getLong(4), e.getMessage());
    }
  }

  /**
   * The cached statement for {@code sql} on the partition's tables. SQLite checks the columns when
   * it prepares one: a missing column there means the file's schema is not the format's, damaged or
   * edited (a flipped byte in {@code sqlite_master}), and this read cannot be answered.
   *
   * @throws CorruptRecordException naming the partition, when a column the format has is missing
   */
  private static PreparedStatement prepare(
      StatementCache session, TopicMeta topic, int partition, String sql) throws SQLException {
    try {
      return session.get(sql);
    } catch (SQLException e) {
      if (e.getMessage() == null || !e.getMessage().contains("no such column")) {
        throw e;
      }
      throw new CorruptRecordException(
          "the tables of "
              + topic.name()
              + "-"
              + partition
              + " do not have the columns of onelog's format ("
              + e.getMessage()
              + "): the file was damaged or edited. Run 'onelog verify' to list what is"
              + " damaged, or restore the file from a backup",
          e);
    }
  }

  /** A damaged batch, named by topic, partition and last offset, with what was wrong. */
  static CorruptRecordException corrupt(
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
    return findState(session, topic, partition)
        .orElseThrow(
            () ->
                new SQLException(
                    "no such table: partitions row of " + topic.name() + "-" + partition));
  }

  /** One partition's row of the partitions table; empty when there is no such row. */
  public static Optional<PartitionState> findState(
      StatementCache session, TopicMeta topic, int partition) throws SQLException {
    PreparedStatement select =
        prepare(
            session,
            topic,
            partition,
            "SELECT log_start_offset, next_offset, record_count, size_bytes FROM partitions"
                + " WHERE topic_id = ? AND partition = ?");
    select.setLong(1, topic.id());
    select.setInt(2, partition);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(
          new PartitionState(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
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
        prepare(
            session,
            topic,
            partition,
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
   * scan of one row per batch before the match. The matching batch is walked to its end, which
   * costs little beside its CRC, and checked against its row's {@code last_offset}, {@code
   * record_count} and {@code max_timestamp_ms}.
   */
  public static OptionalLong offsetForTimestamp(
      StatementCache session, TopicMeta topic, int partition, long timestampMs)
      throws SQLException {
    PreparedStatement select =
        prepare(
            session,
            topic,
            partition,
            "SELECT base_offset, records, crc, last_offset, record_count, max_timestamp_ms FROM "
                + topic.logTable(partition)
                + " WHERE max_timestamp_ms >= ? ORDER BY last_offset LIMIT 1");
    select.setLong(1, timestampMs);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        return OptionalLong.empty();
      }
      BatchCursor batch = checkedBatch(rs, topic, partition);
      long lastOffset = rs.getLong(4);
      long maxTimestampMs = rs.getLong(6);
      int walked = 0;
      OptionalLong found = OptionalLong.empty();
      long largestTimestampMs = Long.MIN_VALUE;
      try {
        while (batch.next()) {
          walked++;
          checkBelowLastOffset(batch, topic, partition, lastOffset);
          largestTimestampMs = Math.max(largestTimestampMs, batch.timestampMs());
          if (found.isEmpty() && batch.timestampMs() >= timestampMs) {
            found = OptionalLong.of(batch.offset());
          }
        }
      } catch (IllegalArgumentException e) {
        throw corrupt(topic, partition, lastOffset, e.getMessage());
      }
      checkWalked(rs, batch, walked, topic, partition, lastOffset);
      if (largestTimestampMs != maxTimestampMs) {
        throw corrupt(
            topic,
            partition,
            lastOffset,
            "its max_timestamp_ms is "
                + maxTimestampMs
                + " but its records' largest timestamp is "
                + largestTimestampMs);
      }
      // Here the records' largest timestamp is max_timestamp_ms >= timestampMs: found is set.
      return found;
    }
  }

  /** SQLite's {@code PRAGMA data_version}: changes when another connection commits. */
  public static long dataVersion(StatementCache session) throws SQLException {
    try (ResultSet rs = session.get("PRAGMA data_version").executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * The first record (lowest offset) holding the largest timestamp among the records from {@code
   * logStartOffset} on, as {offset, timestampMs}; null when there is none. Looks at batches in
   * order of their {@code max_timestamp_ms}, largest first, until no batch left can hold a larger
   * timestamp: one batch, unless records below the start offset held the largest.
   */
  public static long[] largestTimestamp(
      StatementCache session, TopicMeta topic, int partition, long logStartOffset)
      throws SQLException {
    // The order is found on the small columns alone, so that the sort never copies a batch.
    PreparedStatement order =
        prepare(
            session,
            topic,
            partition,
            "SELECT last_offset, max_timestamp_ms FROM "
                + topic.logTable(partition)
                + " WHERE last_offset >= ? ORDER BY max_timestamp_ms DESC, last_offset");
    PreparedStatement load =
        prepare(
            session,
            topic,
            partition,
            "SELECT base_offset, records, crc, last_offset, record_count, max_timestamp_ms FROM "
                + topic.logTable(partition)
                + " WHERE last_offset = ?");
    order.setLong(1, logStartOffset);
    long[] best = null;
    try (ResultSet candidates = order.executeQuery()) {
      while (candidates.next()) {
        if (best != null && candidates.getLong(2) <= best[1]) {
          break; // no record of this batch or a later one is newer, or earlier with as new
        }
        long lastOffset = candidates.getLong(1);
        load.setLong(1, lastOffset);
        try (ResultSet rs = load.executeQuery()) {
          if (!rs.next()) {
            continue;
          }
          BatchCursor batch = checkedBatch(rs, topic, partition);
          int walked = 0;
          try {
            while (batch.next()) {
              walked++;
              checkBelowLastOffset(batch, topic, partition, lastOffset);
              if (batch.offset() >= logStartOffset
                  && (best == null
                      || batch.timestampMs() > best[1]
                      || (batch.timestampMs() == best[1] && batch.offset() < best[0]))) {
                best = new long[] {batch.offset(), batch.timestampMs()};
              }
            }
          } catch (IllegalArgumentException e) {
            throw corrupt(topic, partition, lastOffset, e.getMessage());
          }
          checkWalked(rs, batch, walked, topic, partition, lastOffset);
        }
      }
    }
    return best;
  }
}
