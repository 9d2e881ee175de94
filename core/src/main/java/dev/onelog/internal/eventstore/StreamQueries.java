package dev.onelog.internal.eventstore;

import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.eventstore.StreamInfo;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statements on {@code es_streams}, for the writer's sessions and for readers; readers add the
 * streams' unindexed events ({@link UnindexedEvents}). Stateless.
 */
final class StreamQueries {
  private StreamQueries() {}

  private static final String COLUMNS =
      "stream_id, version, truncate_before, deleted, last_position, created_at_ms, updated_at_ms";

  /** The stream's row as a session's state; null when it has none. */
  static StreamState load(StatementCache statements, String streamId) throws SQLException {
    StreamInfo info = find(statements, streamId);
    if (info == null) {
      return null;
    }
    return new StreamState(
        streamId,
        info.version(),
        info.truncateBefore(),
        info.deleted(),
        info.lastPosition(),
        info.createdAtMs());
  }

  /** The rows of those streams that have one, as sessions' states. */
  static List<StreamState> load(StatementCache statements, List<String> streamIds)
      throws SQLException {
    PreparedStatement select =
        statements.get(
            "SELECT "
                + COLUMNS
                + " FROM es_streams WHERE stream_id IN ("
                + AppendSession.placeholders(streamIds.size(), "?")
                + ")");
    for (int i = 0; i < streamIds.size(); i++) {
      select.setString(i + 1, streamIds.get(i));
    }
    List<StreamState> states = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        StreamInfo info = info(rs);
        states.add(
            new StreamState(
                info.streamId(),
                info.version(),
                info.truncateBefore(),
                info.deleted(),
                info.lastPosition(),
                info.createdAtMs()));
      }
    }
    return states;
  }

  /**
   * What a reader knows of a stream: its row brought up to its unindexed events, and those events
   * (in version order). Must run inside one read transaction, so that the row and the index
   * position are of one snapshot.
   */
  record View(StreamInfo info, List<RecordedEvent> unindexed) {}

  static View view(StatementCache statements, TopicMeta topic, String streamId)
      throws SQLException {
    StreamInfo info = find(statements, streamId);
    List<RecordedEvent> unindexed =
        UnindexedEvents.read(
            statements,
            topic,
            UnindexedEvents.indexedPosition(statements),
            streamId.getBytes(StandardCharsets.UTF_8),
            Integer.MAX_VALUE);
    return new View(withEvents(streamId, info, unindexed), unindexed);
  }

  /** The row (or none) brought up to the stream's unindexed events, in version order. */
  static StreamInfo withEvents(String streamId, StreamInfo info, List<RecordedEvent> unindexed) {
    if (unindexed.isEmpty()) {
      return info;
    }
    RecordedEvent first = unindexed.get(0);
    RecordedEvent last = unindexed.get(unindexed.size() - 1);
    if (info == null) {
      return new StreamInfo(
          streamId,
          last.version(),
          0,
          false,
          last.position(),
          first.timestampMs(),
          last.timestampMs());
    }
    if (last.position() <= info.lastPosition()) {
      return info;
    }
    return new StreamInfo(
        streamId,
        last.version(),
        info.truncateBefore(),
        false, // an event after a deletion restarted the stream
        last.position(),
        info.createdAtMs(),
        last.timestampMs());
  }

  /** {@link #list} over the rows and the unindexed events together: inside one read transaction. */
  static List<StreamInfo> listWithUnindexed(
      StatementCache statements, TopicMeta topic, String prefix, String after, int limit)
      throws SQLException {
    Map<String, List<RecordedEvent>> unindexed = new HashMap<>();
    for (RecordedEvent event :
        UnindexedEvents.read(
            statements,
            topic,
            UnindexedEvents.indexedPosition(statements),
            null,
            Integer.MAX_VALUE)) {
      String id = event.streamId();
      if ((prefix == null || id.startsWith(prefix))
          && (after == null || utf8Compare(id, after) > 0)) {
        unindexed.computeIfAbsent(id, k -> new ArrayList<>()).add(event);
      }
    }
    TreeMap<String, StreamInfo> merged = new TreeMap<>(StreamQueries::utf8Compare);
    for (StreamInfo info : list(statements, prefix, after, limit)) {
      merged.put(info.streamId(), info);
    }
    for (Map.Entry<String, List<RecordedEvent>> e : unindexed.entrySet()) {
      StreamInfo row =
          merged.containsKey(e.getKey()) ? merged.get(e.getKey()) : find(statements, e.getKey());
      merged.put(e.getKey(), withEvents(e.getKey(), row, e.getValue()));
    }
    List<StreamInfo> streams = new ArrayList<>(limit);
    for (StreamInfo info : merged.values()) {
      if (streams.size() == limit) {
        break;
      }
      streams.add(info);
    }
    return streams;
  }

  /** SQLite's order of TEXT: UTF-8 bytes, unsigned. */
  static int utf8Compare(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static StreamInfo find(StatementCache statements, String streamId) throws SQLException {
    PreparedStatement select =
        statements.get("SELECT " + COLUMNS + " FROM es_streams WHERE stream_id = ?");
    select.setString(1, streamId);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? info(rs) : null;
    }
  }

  /**
   * Streams whose id starts with {@code prefix} (all when null), in id order, after the id {@code
   * after} (from the start when null).
   */
  static List<StreamInfo> list(StatementCache statements, String prefix, String after, int limit)
      throws SQLException {
    String low = after != null ? after : prefix != null ? prefix : "";
    PreparedStatement select =
        statements.get(
            "SELECT "
                + COLUMNS
                + " FROM es_streams WHERE stream_id "
                + (after != null ? ">" : ">=")
                + " ? AND stream_id < ? ORDER BY stream_id LIMIT ?");
    select.setString(1, low);
    select.setString(2, ConditionCheck.upperBound(prefix != null ? prefix : ""));
    select.setInt(3, limit);
    List<StreamInfo> streams = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        streams.add(info(rs));
      }
    }
    return streams;
  }

  private static StreamInfo info(ResultSet rs) throws SQLException {
    return new StreamInfo(
        rs.getString(1),
        rs.getLong(2),
        rs.getLong(3),
        rs.getInt(4) != 0,
        rs.getLong(5),
        rs.getLong(6),
        rs.getLong(7));
  }

  /** Writes a session's states of streams back, in one statement. */
  static void store(StatementCache statements, List<StreamState> states, long nowMs)
      throws SQLException {
    PreparedStatement upsert =
        statements.get(
            "INSERT INTO es_streams ("
                + COLUMNS
                + ") VALUES "
                + AppendSession.placeholders(states.size(), "(?, ?, ?, ?, ?, ?, ?)")
                + " ON CONFLICT (stream_id) DO UPDATE SET"
                + " version = excluded.version, truncate_before = excluded.truncate_before,"
                + " deleted = excluded.deleted, last_position = excluded.last_position,"
                + " updated_at_ms = excluded.updated_at_ms");
    int p = 1;
    for (StreamState state : states) {
      upsert.setString(p++, state.streamId);
      upsert.setLong(p++, state.version);
      upsert.setLong(p++, state.truncateBefore);
      upsert.setInt(p++, state.deleted ? 1 : 0);
      upsert.setLong(p++, state.lastPosition);
      upsert.setLong(p++, state.createdAtMs);
      upsert.setLong(p++, nowMs);
    }
    upsert.executeUpdate();
  }
}
