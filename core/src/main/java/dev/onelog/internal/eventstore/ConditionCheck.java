package dev.onelog.internal.eventstore;

import dev.onelog.eventstore.AppendCondition;
import dev.onelog.eventstore.EventQuery;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The check of a conditional append: the first event after the condition's position that matches
 * its query, found through the indexes, never by scanning the log, and then among the unindexed
 * events the writer holds in memory ({@link EventTail}) and the session's own. Per item of the
 * query, in the indexes:
 *
 * <ul>
 *   <li>with tags: {@code es_event_tags} from its first tag, filtered by the other tags, the types
 *       and the stream prefix;
 *   <li>with types and no tags: {@code es_events_by_type}, two seeks per type (the run of the type
 *       that may reach past the position, and the first run after it);
 *   <li>with only a stream prefix: the streams of {@code es_streams} in the prefix's range whose
 *       last event is after the position (and the streams the session changed), then each one's
 *       first event after it (the first run reaching past it).
 * </ul>
 *
 * Stateless; runs in the writer's transaction, so it sees the events of earlier appends of the same
 * commit (in the tail or the session).
 */
final class ConditionCheck {
  private ConditionCheck() {}

  /** The first matching position after the condition's, or -1 when none. */
  static long firstMatch(AppendSession session, AppendCondition condition) throws SQLException {
    long first = -1;
    for (EventQuery.Item item : condition.query().items()) {
      long found = firstMatch(session, item, condition.afterPosition());
      if (found < 0) {
        found = firstUnindexed(session.tailEvents(), item, condition.afterPosition());
      }
      if (found < 0) {
        found = firstUnindexed(session.appended(), item, condition.afterPosition());
      }
      if (found >= 0 && (first < 0 || found < first)) {
        first = found;
      }
    }
    return first;
  }

  /**
   * The first of these events (in position order) after the position that matches the item; -1 when
   * none. Every indexed event is below every unindexed one, so this is asked only when the indexes
   * found nothing.
   */
  private static long firstUnindexed(
      List<EventTail.Entry> events, EventQuery.Item item, long after) {
    int low = 0;
    int high = events.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (events.get(mid).position() <= after) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    for (int i = low; i < events.size(); i++) {
      EventTail.Entry event = events.get(i);
      if (item.matches(event.streamId(), event.type(), event.tags())) {
        return event.position();
      }
    }
    return -1;
  }

  /** The first indexed event after the position that matches the item; -1 when none. */
  private static long firstMatch(AppendSession session, EventQuery.Item item, long after)
      throws SQLException {
    StatementCache statements = session.statements();
    if (!item.tags().isEmpty()) {
      return byTags(statements, item, after);
    }
    if (!item.types().isEmpty()) {
      long first = -1;
      for (String type : item.types()) {
        long found = byType(statements, item, type, after);
        if (found >= 0 && (first < 0 || found < first)) {
          first = found;
        }
      }
      return first;
    }
    return byPrefix(session, item.streamPrefix(), after);
  }

  /**
   * The first event of the type after the position: inside the last run of the type that starts at
   * or before it (runs never overlap, so no earlier run reaches past it), else the first run that
   * starts after it.
   */
  private static long byType(
      StatementCache statements, EventQuery.Item item, String type, long after)
      throws SQLException {
    PreparedStatement straddling =
        statements.get(
            "SELECT position + count - 1, stream_id FROM es_events WHERE type = ? AND position <= ?"
                + " ORDER BY position DESC LIMIT 1");
    straddling.setString(1, type);
    straddling.setLong(2, after);
    try (ResultSet rs = straddling.executeQuery()) {
      if (rs.next()
          && rs.getLong(1) > after
          && (item.streamPrefix() == null || rs.getString(2).startsWith(item.streamPrefix()))) {
        return after + 1;
      }
    }
    List<Object> args = new ArrayList<>(List.of(type, after));
    String sql =
        "SELECT position FROM es_events WHERE type = ? AND position > ?"
            + prefixClause(item, "stream_id", args)
            + " ORDER BY position LIMIT 1";
    return single(statements, sql, args);
  }

  private static long byTags(StatementCache statements, EventQuery.Item item, long after)
      throws SQLException {
    List<String> tags = item.tags().stream().sorted().toList();
    List<Object> args = new ArrayList<>(List.of(tags.get(0), after));
    StringBuilder sql =
        new StringBuilder(
            "SELECT t.position FROM es_event_tags t WHERE t.tag = ? AND t.position > ?");
    for (String tag : tags.subList(1, tags.size())) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM es_event_tags o WHERE o.tag = ? AND o.position = t.position)");
      args.add(tag);
    }
    if (!item.types().isEmpty()) {
      sql.append(" AND t.type IN (")
          .append(AppendSession.placeholders(item.types().size(), "?"))
          .append(")");
      args.addAll(item.types().stream().sorted().toList());
    }
    sql.append(prefixClause(item, "t.stream_id", args)).append(" ORDER BY t.position LIMIT 1");
    return single(statements, sql.toString(), args);
  }

  private static long byPrefix(AppendSession session, String prefix, long after)
      throws SQLException {
    List<String> candidates = new ArrayList<>();
    PreparedStatement streams =
        session
            .statements()
            .get(
                "SELECT stream_id FROM es_streams WHERE stream_id >= ? AND stream_id < ?"
                    + " AND last_position > ?");
    streams.setString(1, prefix);
    streams.setString(2, upperBound(prefix));
    streams.setLong(3, after);
    try (ResultSet rs = streams.executeQuery()) {
      while (rs.next()) {
        candidates.add(rs.getString(1));
      }
    }
    for (StreamState state : session.streams()) {
      if (state.streamId.startsWith(prefix)
          && state.lastPosition > after
          && !candidates.contains(state.streamId)) {
        candidates.add(state.streamId);
      }
    }
    long first = -1;
    for (String streamId : candidates) {
      PreparedStatement select =
          session
              .statements()
              .get(
                  "SELECT min(max(position, ?1 + 1)) FROM es_events WHERE stream_id = ?2"
                      + " AND position + count - 1 > ?1");
      select.setLong(1, after);
      select.setString(2, streamId);
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          long found = rs.getLong(1);
          if (!rs.wasNull() && (first < 0 || found < first)) {
            first = found;
          }
        }
      }
    }
    return first;
  }

  private static String prefixClause(EventQuery.Item item, String column, List<Object> args) {
    if (item.streamPrefix() == null) {
      return "";
    }
    args.add(item.streamPrefix());
    args.add(upperBound(item.streamPrefix()));
    return " AND " + column + " >= ? AND " + column + " < ?";
  }

  /**
   * A string above every string that starts with {@code prefix}, in SQLite's binary (UTF-8) order:
   * the prefix followed by the highest code point.
   */
  static String upperBound(String prefix) {
    return prefix + new String(Character.toChars(Character.MAX_CODE_POINT));
  }

  private static long single(StatementCache statements, String sql, List<Object> args)
      throws SQLException {
    PreparedStatement select = statements.bound(sql, args.toArray());
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }
}
