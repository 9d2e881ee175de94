package dev.onelog.internal.eventstore;

import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream's versions and their positions, read from the runs of {@code es_events}: a row is a run
 * of {@code count} consecutive events of one append and one type, versions {@code version ..
 * version + count - 1} at positions {@code position .. position + count - 1}. A version is found in
 * the run that starts at or below it (runs of a stream never overlap). Stateless.
 */
final class EventRuns {
  private EventRuns() {}

  /**
   * The positions of the stream's versions from {@code fromVersion} up, at most {@code maxCount},
   * in version order.
   */
  static List<Long> forward(
      StatementCache statements, String streamId, long fromVersion, int maxCount)
      throws SQLException {
    PreparedStatement select =
        statements.get(
            "SELECT version, position, count FROM es_events WHERE stream_id = ?1 AND version >="
                + " coalesce((SELECT version FROM es_events WHERE stream_id = ?1 AND version <= ?2"
                + " ORDER BY version DESC LIMIT 1), ?2) ORDER BY version LIMIT ?3");
    select.setString(1, streamId);
    select.setLong(2, fromVersion);
    select.setInt(3, maxCount);
    List<Long> positions = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next() && positions.size() < maxCount) {
        long version = rs.getLong(1);
        long position = rs.getLong(2);
        int count = rs.getInt(3);
        for (int i = (int) Math.max(0, fromVersion - version);
            i < count && positions.size() < maxCount;
            i++) {
          positions.add(position + i);
        }
      }
    }
    return positions;
  }

  /**
   * The positions of the stream's versions from {@code fromVersion} down to {@code lowestVersion},
   * at most {@code maxCount}, in descending version order.
   */
  static List<Long> backward(
      StatementCache statements,
      String streamId,
      long fromVersion,
      long lowestVersion,
      int maxCount)
      throws SQLException {
    PreparedStatement select =
        statements.get(
            "SELECT version, position, count FROM es_events WHERE stream_id = ? AND version <= ?"
                + " ORDER BY version DESC LIMIT ?");
    select.setString(1, streamId);
    select.setLong(2, fromVersion);
    select.setInt(3, maxCount);
    List<Long> positions = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next() && positions.size() < maxCount) {
        long version = rs.getLong(1);
        long position = rs.getLong(2);
        int count = rs.getInt(3);
        for (long v = Math.min(fromVersion, version + count - 1);
            v >= version && v >= lowestVersion && positions.size() < maxCount;
            v--) {
          positions.add(position + (v - version));
        }
        if (version <= lowestVersion) {
          break;
        }
      }
    }
    return positions;
  }
}
