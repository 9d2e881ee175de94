package dev.onelog.internal.eventstore;

import dev.onelog.CorruptRecordException;
import dev.onelog.LogRecord;
import dev.onelog.ReadLimit;
import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.EventPage;
import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.eventstore.StreamInfo;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event store's reads, on a read session: a stream's events through {@code es_events} (the
 * positions of its runs of versions, {@link EventRuns}) and then the batches holding those
 * positions; all events in position order straight from the topic. Stateless.
 */
public final class EventReads {
  private EventReads() {}

  /** Records read from the topic per query while reading all events. */
  private static final ReadLimit SCAN = new ReadLimit(1000, 4 * 1024 * 1024);

  /**
   * A stream's events from {@code fromVersion}, forward (up) or backward (down), at most {@code
   * maxCount}; empty for a missing or deleted stream, and nothing below its truncation point. The
   * indexed events through {@code es_events}, the rest from the unindexed records; call it inside
   * one read transaction.
   */
  static List<RecordedEvent> stream(
      StatementCache session,
      TopicMeta topic,
      String streamId,
      long fromVersion,
      int maxCount,
      boolean forward)
      throws SQLException {
    StreamQueries.View view = StreamQueries.view(session, topic, streamId);
    StreamInfo info = view.info();
    if (info == null || info.deleted() || maxCount == 0) {
      return List.of();
    }
    List<RecordedEvent> unindexed = view.unindexed();
    long firstUnindexed = unindexed.isEmpty() ? Long.MAX_VALUE : unindexed.get(0).version();
    List<RecordedEvent> events = new ArrayList<>();
    if (forward) {
      long from = Math.max(fromVersion, info.truncateBefore());
      if (from < firstUnindexed) {
        events.addAll(
            indexed(
                session, topic, streamId, EventRuns.forward(session, streamId, from, maxCount)));
      }
      for (RecordedEvent event : unindexed) {
        if (events.size() < maxCount && event.version() >= from) {
          events.add(event);
        }
      }
    } else {
      for (int i = unindexed.size() - 1; i >= 0 && events.size() < maxCount; i--) {
        RecordedEvent event = unindexed.get(i);
        if (event.version() <= fromVersion && event.version() >= info.truncateBefore()) {
          events.add(event);
        }
      }
      long below = Math.min(fromVersion, firstUnindexed - 1);
      if (events.size() < maxCount && below >= info.truncateBefore()) {
        events.addAll(
            indexed(
                session,
                topic,
                streamId,
                EventRuns.backward(
                    session, streamId, below, info.truncateBefore(), maxCount - events.size())));
      }
    }
    return events;
  }

  /** The events at the positions the runs gave, in their order. */
  private static List<RecordedEvent> indexed(
      StatementCache session, TopicMeta topic, String streamId, List<Long> positions)
      throws SQLException {
    Map<Long, RecordedEvent> byPosition = at(session, topic, positions);
    List<RecordedEvent> events = new ArrayList<>(positions.size());
    for (long position : positions) {
      RecordedEvent event = byPosition.get(position);
      if (event == null) {
        throw new CorruptRecordException(
            "es_events says version of stream '"
                + streamId
                + "' is at position "
                + position
                + " of topic "
                + topic.name()
                + ", but no event record is there. Run 'onelog verify'");
      }
      events.add(event);
    }
    return events;
  }

  /**
   * The position of the stream's first event at or above the version; -1 when it has none yet. Call
   * it inside one read transaction.
   */
  static long positionOf(StatementCache session, TopicMeta topic, String streamId, long fromVersion)
      throws SQLException {
    List<Long> positions = EventRuns.forward(session, streamId, fromVersion, 1);
    if (!positions.isEmpty()) {
      return positions.get(0);
    }
    for (RecordedEvent event : StreamQueries.view(session, topic, streamId).unindexed()) {
      if (event.version() >= fromVersion) {
        return event.position();
      }
    }
    return -1;
  }

  /**
   * The events at these positions, each batch read once: the positions are sorted, and every
   * position a batch holds is taken from it. Each batch is checked against its CRC.
   */
  static Map<Long, RecordedEvent> at(StatementCache session, TopicMeta topic, List<Long> positions)
      throws SQLException {
    long[] sorted = positions.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    Map<Long, RecordedEvent> events = new HashMap<>();
    PreparedStatement select =
        session.get(
            "SELECT base_offset, records, crc, last_offset FROM "
                + topic.logTable(0)
                + " WHERE last_offset >= ? ORDER BY last_offset LIMIT 1");
    int i = 0;
    while (i < sorted.length) {
      select.setLong(1, sorted[i]);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return events;
        }
        long lastOffset = rs.getLong(4);
        BatchCursor batch = UnindexedEvents.checkedBatch(rs, topic);
        while (i < sorted.length && sorted[i] <= lastOffset && batch.next()) {
          while (i < sorted.length && sorted[i] < batch.offset()) {
            i++; // not in the topic any more
          }
          if (i < sorted.length && sorted[i] == batch.offset()) {
            RecordedEvent event = EventCodec.decode(topic, batch);
            if (event != null) {
              events.put(batch.offset(), event);
            }
            i++;
          }
        }
        while (i < sorted.length && sorted[i] <= lastOffset) {
          i++;
        }
      }
    }
    return events;
  }

  /** Events from {@code fromPosition} on that pass the filter, at most {@code maxCount}. */
  static EventPage all(
      StatementCache session, TopicMeta topic, long fromPosition, int maxCount, EventFilter filter)
      throws SQLException {
    List<RecordedEvent> events = new ArrayList<>(Math.min(maxCount, 1024));
    long position = Math.max(0, fromPosition);
    while (events.size() < maxCount) {
      List<LogRecord> records = PartitionReader.read(session, topic, 0, position, SCAN);
      if (records.isEmpty()) {
        return new EventPage(events, position, true);
      }
      for (LogRecord record : records) {
        position = record.offset() + 1;
        RecordedEvent event = EventCodec.decode(record);
        if (event != null && filter.matches(event)) {
          events.add(event);
          if (events.size() == maxCount) {
            break;
          }
        }
      }
    }
    return new EventPage(events, position, false);
  }

  /** The next position of the topic: where the next event will be. */
  public static long endPosition(StatementCache session, TopicMeta topic) throws SQLException {
    return PartitionReader.state(session, topic, 0).nextOffset();
  }
}
