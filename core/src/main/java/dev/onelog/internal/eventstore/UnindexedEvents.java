package dev.onelog.internal.eventstore;

import dev.onelog.CorruptRecordException;
import dev.onelog.UnknownTopicException;
import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The events not yet in the event store's index tables: the records of the event topic from {@code
 * es_index.indexed_position} up (docs/FORMAT.md section 14.3). The index follows the appends as the
 * key index of a compacted topic does: appends write only their records, and {@link EventIndexer}
 * moves what they appended into {@code es_streams}, {@code es_events}, {@code es_event_ids} and
 * {@code es_event_tags} later, sorted, a few thousand events at a time. Whoever needs the whole
 * truth reads the index and then these records. Stateless.
 */
final class UnindexedEvents {
  private UnindexedEvents() {}

  /** The first position the index tables do not cover. */
  static long indexedPosition(StatementCache statements) throws SQLException {
    PreparedStatement select = statements.get("SELECT indexed_position FROM es_index WHERE id = 0");
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException(
            "table es_index has no row: the event store's index position is lost. Run 'onelog"
                + " verify'; docs/FORMAT.md section 14 describes the row");
      }
      return rs.getLong(1);
    }
  }

  /**
   * The batch in the current row ({@code base_offset, records, crc, last_offset}) of the event
   * topic, its CRC checked.
   *
   * @throws CorruptRecordException when it does not match its CRC
   */
  static BatchCursor checkedBatch(ResultSet rs, TopicMeta topic) throws SQLException {
    long baseOffset = rs.getLong(1);
    byte[] records = rs.getBytes(2);
    if (records == null || RecordBatch.crc(baseOffset, records) != rs.getLong(3)) {
      throw new CorruptRecordException(
          "the batch of records ending at "
              + topic.name()
              + "-0@"
              + rs.getLong(4)
              + " does not match its CRC32C. Run 'onelog verify' to list every damaged batch");
    }
    try {
      return new BatchCursor(baseOffset, records);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException(
          "the batch of records ending at "
              + topic.name()
              + "-0@"
              + rs.getLong(4)
              + " is damaged: "
              + e.getMessage()
              + ". Run 'onelog verify' to list every damaged batch");
    }
  }

  /**
   * The event topic's next offset: where the next event goes.
   *
   * @throws UnknownTopicException when the topic was deleted under the event store
   */
  static long endPosition(StatementCache statements, TopicMeta topic) throws SQLException {
    return PartitionReader.findState(statements, topic, 0)
        .orElseThrow(
            () ->
                new UnknownTopicException(
                    "the event store's topic '"
                        + topic.name()
                        + "' was deleted; the event store cannot append. Restore the file from a"
                        + " backup"))
        .nextOffset();
  }

  /**
   * The events from {@code from} on, in position order: all of them, or those of the stream whose
   * id is {@code streamKey} (its UTF-8 bytes; the records' keys are compared before anything is
   * decoded), at most about {@code maxEvents} (whole batches).
   */
  static List<RecordedEvent> read(
      StatementCache statements, TopicMeta topic, long from, byte[] streamKey, int maxEvents)
      throws SQLException {
    PreparedStatement select =
        statements.get(
            "SELECT base_offset, records, crc, last_offset FROM "
                + topic.logTable(0)
                + " WHERE last_offset >= ? ORDER BY last_offset");
    select.setLong(1, from);
    List<RecordedEvent> events = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next() && events.size() < maxEvents) {
        long lastOffset = rs.getLong(4);
        BatchCursor batch = checkedBatch(rs, topic);
        try {
          while (batch.next()) {
            if (batch.offset() < from || (streamKey != null && !batch.keyEquals(streamKey))) {
              continue;
            }
            RecordedEvent event = EventCodec.decode(topic, batch);
            if (event == null) {
              throw new CorruptRecordException(
                  "the record at "
                      + topic.name()
                      + "-0@"
                      + batch.offset()
                      + " is not an event (a key and the es-type, es-version and es-id headers);"
                      + " something appended to the event store's topic directly");
            }
            events.add(event);
          }
        } catch (IllegalArgumentException e) {
          throw new CorruptRecordException(
              "the batch of records ending at "
                  + topic.name()
                  + "-0@"
                  + lastOffset
                  + " cannot be decoded: "
                  + e.getMessage()
                  + ". Run 'onelog verify'");
        }
      }
    }
    return events;
  }
}
