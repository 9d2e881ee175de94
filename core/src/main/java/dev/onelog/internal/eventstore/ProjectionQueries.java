package dev.onelog.internal.eventstore;

import dev.onelog.eventstore.ProjectionState;
import dev.onelog.eventstore.ProjectionStatus;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The statements on {@code es_projections}. Stateless. */
public final class ProjectionQueries {
  private ProjectionQueries() {}

  private static final String COLUMNS =
      "name, checkpoint, state, rebuild_checkpoint, failed_position, error, updated_at_ms";

  /** Thrown in a step whose checkpoint moved under it (another runner of the same projection). */
  static final class CheckpointMoved extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckpointMoved(String name) {
      super("the checkpoint of projection '" + name + "' moved: another runner handles it too");
    }
  }

  static ProjectionStatus find(StatementCache statements, String name, long end)
      throws SQLException {
    PreparedStatement select =
        statements.get("SELECT " + COLUMNS + " FROM es_projections WHERE name = ?");
    select.setString(1, name);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? status(rs, end) : null;
    }
  }

  public static List<ProjectionStatus> list(StatementCache statements, long end)
      throws SQLException {
    PreparedStatement select =
        statements.get("SELECT " + COLUMNS + " FROM es_projections ORDER BY name");
    List<ProjectionStatus> all = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        all.add(status(rs, end));
      }
    }
    return all;
  }

  private static ProjectionStatus status(ResultSet rs, long end) throws SQLException {
    long checkpoint = rs.getLong(2);
    ProjectionState state = ProjectionState.valueOf(rs.getString(3).toUpperCase(Locale.ROOT));
    long rebuild = rs.getLong(4);
    Long rebuildCheckpoint = rs.wasNull() ? null : rebuild;
    long failed = rs.getLong(5);
    Long failedPosition = rs.wasNull() ? null : failed;
    long progress = rebuildCheckpoint != null ? rebuildCheckpoint : checkpoint;
    return new ProjectionStatus(
        rs.getString(1),
        checkpoint,
        Math.max(0, end - progress),
        state,
        rebuildCheckpoint,
        failedPosition,
        rs.getString(6),
        rs.getLong(7));
  }

  /** Creates the row when missing; a failed projection becomes active again (a restart). */
  static void start(StatementCache statements, String name, long nowMs) throws SQLException {
    PreparedStatement insert =
        statements.get(
            "INSERT INTO es_projections (name, checkpoint, state, updated_at_ms)"
                + " VALUES (?, 0, 'active', ?) ON CONFLICT (name) DO UPDATE SET"
                + " state = CASE WHEN rebuild_checkpoint IS NULL THEN 'active' ELSE 'rebuilding' END,"
                + " failed_position = NULL, error = NULL, updated_at_ms = excluded.updated_at_ms"
                + " WHERE state = 'failed'");
    insert.setString(1, name);
    insert.setLong(2, nowMs);
    insert.executeUpdate();
  }

  /**
   * Moves the checkpoint (or the rebuild's) from {@code from} to {@code to}.
   *
   * @throws CheckpointMoved when it is not at {@code from}: another runner moved it
   */
  static void advance(
      StatementCache statements, String name, boolean rebuilding, long from, long to, long nowMs)
      throws SQLException {
    String column = rebuilding ? "rebuild_checkpoint" : "checkpoint";
    PreparedStatement update =
        statements.get(
            "UPDATE es_projections SET "
                + column
                + " = ?, updated_at_ms = ? WHERE name = ? AND "
                + column
                + " = ? AND state = ?");
    update.setLong(1, to);
    update.setLong(2, nowMs);
    update.setString(3, name);
    update.setLong(4, from);
    update.setString(5, rebuilding ? "rebuilding" : "active");
    if (update.executeUpdate() != 1) {
      throw new CheckpointMoved(name);
    }
  }

  static void fail(StatementCache statements, String name, long position, String error, long nowMs)
      throws SQLException {
    PreparedStatement update =
        statements.get(
            "UPDATE es_projections SET state = 'failed', failed_position = ?, error = ?,"
                + " updated_at_ms = ? WHERE name = ?");
    update.setLong(1, position);
    update.setString(2, error);
    update.setLong(3, nowMs);
    update.setString(4, name);
    update.executeUpdate();
  }

  static void startRebuild(StatementCache statements, String name, long nowMs) throws SQLException {
    PreparedStatement update =
        statements.get(
            "UPDATE es_projections SET state = 'rebuilding', rebuild_checkpoint = 0,"
                + " failed_position = NULL, error = NULL, updated_at_ms = ? WHERE name = ?");
    update.setLong(1, nowMs);
    update.setString(2, name);
    update.executeUpdate();
  }

  static void finishRebuild(StatementCache statements, String name, long nowMs)
      throws SQLException {
    PreparedStatement update =
        statements.get(
            "UPDATE es_projections SET state = 'active', checkpoint = rebuild_checkpoint,"
                + " rebuild_checkpoint = NULL, updated_at_ms = ? WHERE name = ?"
                + " AND state = 'rebuilding'");
    update.setLong(1, nowMs);
    update.setString(2, name);
    if (update.executeUpdate() != 1) {
      throw new CheckpointMoved(name);
    }
  }
}
