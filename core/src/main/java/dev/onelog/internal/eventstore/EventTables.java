package dev.onelog.internal.eventstore;

import dev.onelog.TopicSpec;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.write.StepContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The event store's place in the file (docs/FORMAT.md section 14): the topic whose records are the
 * events, and six small tables beside it. They are created by the first writer step of the event
 * store in a file ({@link #setUp}), with {@code CREATE ... IF NOT EXISTS}, so a file that never
 * used the event store has none of them and its format version is unchanged. Stateless.
 */
public final class EventTables {
  private EventTables() {}

  /** The one-partition topic holding every event: its offsets are the global positions. */
  public static final String TOPIC = dev.onelog.eventstore.EventStore.TOPIC;

  /** Record headers of an event (its key is the stream id, its value the event's data). */
  public static final String TYPE_HEADER = "es-type";

  public static final String VERSION_HEADER = "es-version";
  public static final String ID_HEADER = "es-id";
  public static final String METADATA_HEADER = "es-metadata";
  public static final String TAG_HEADER = "es-tag";

  /** The DDL, exactly as FORMAT.md section 14 prints it. */
  public static final List<String> SCHEMA =
      List.of(
          """
          CREATE TABLE IF NOT EXISTS es_streams (
            stream_id       TEXT PRIMARY KEY,
            version         INTEGER NOT NULL CHECK (version >= 0),
            truncate_before INTEGER NOT NULL DEFAULT 0 CHECK (truncate_before >= 0),
            deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
            last_position   INTEGER NOT NULL,
            created_at_ms   INTEGER NOT NULL,
            updated_at_ms   INTEGER NOT NULL
          ) WITHOUT ROWID""",
          """
          CREATE TABLE IF NOT EXISTS es_events (
            stream_id TEXT NOT NULL,
            version   INTEGER NOT NULL,
            position  INTEGER NOT NULL,
            count     INTEGER NOT NULL CHECK (count >= 1),
            type      TEXT NOT NULL,
            PRIMARY KEY (stream_id, version)
          ) WITHOUT ROWID""",
          "CREATE INDEX IF NOT EXISTS es_events_by_type ON es_events (type, position)",
          """
          CREATE TABLE IF NOT EXISTS es_event_ids (
            event_id  BLOB PRIMARY KEY,
            stream_id TEXT NOT NULL,
            version   INTEGER NOT NULL,
            position  INTEGER NOT NULL
          ) WITHOUT ROWID""",
          """
          CREATE TABLE IF NOT EXISTS es_event_tags (
            tag       TEXT NOT NULL,
            position  INTEGER NOT NULL,
            stream_id TEXT NOT NULL,
            type      TEXT NOT NULL,
            PRIMARY KEY (tag, position)
          ) WITHOUT ROWID""",
          """
          CREATE TABLE IF NOT EXISTS es_index (
            id               INTEGER PRIMARY KEY CHECK (id = 0),
            indexed_position INTEGER NOT NULL CHECK (indexed_position >= 0)
          )""",
          """
          CREATE TABLE IF NOT EXISTS es_projections (
            name               TEXT PRIMARY KEY,
            checkpoint         INTEGER NOT NULL DEFAULT 0 CHECK (checkpoint >= 0),
            state              TEXT NOT NULL CHECK (state IN ('active', 'failed', 'rebuilding')),
            rebuild_checkpoint INTEGER,
            failed_position    INTEGER,
            error              TEXT,
            updated_at_ms      INTEGER NOT NULL
          ) WITHOUT ROWID""",
          """
          CREATE TABLE IF NOT EXISTS es_snapshots (
            stream_id   TEXT PRIMARY KEY,
            version     INTEGER NOT NULL CHECK (version >= 0),
            data        BLOB NOT NULL,
            saved_at_ms INTEGER NOT NULL
          ) WITHOUT ROWID""");

  /** The tables' names, for checks that no one else writes them. */
  public static final List<String> TABLES =
      List.of(
          "es_streams",
          "es_events",
          "es_event_ids",
          "es_event_tags",
          "es_index",
          "es_projections",
          "es_snapshots");

  /**
   * Creates the topic and the tables when missing, in the writer's transaction; another process
   * doing the same waits for the write lock and then finds them.
   */
  public static void setUp(StepContext tx, TopicCatalog catalog) throws SQLException {
    if (!exists(tx) || TopicCatalog.read(tx.connection(), TOPIC) == null) {
      tx.schemaChanged();
      try (Statement s = tx.connection().createStatement()) {
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
      }
      requireRuns(tx.connection());
      if (TopicCatalog.read(tx.connection(), TOPIC) == null) {
        TopicCatalog.create(tx.connection(), TopicSpec.named(TOPIC), tx.nowMs());
      }
      startIndex(tx.connection());
      catalog.evict(TOPIC);
    }
  }

  /**
   * The index's row, when missing: at the topic's end, since an event store of a build before
   * {@code es_index} indexed every event as it appended it.
   */
  private static void startIndex(java.sql.Connection connection) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT OR IGNORE INTO es_index (id, indexed_position) SELECT 0, p.next_offset"
                + " FROM partitions p JOIN topics t ON t.id = p.topic_id"
                + " WHERE t.name = ? AND p.partition = 0")) {
      s.setString(1, TOPIC);
      s.executeUpdate();
    }
  }

  /**
   * Refuses an {@code es_events} of a build before runs (a row per event, no {@code count}): its
   * rows would be read as runs. Only pre-release builds wrote it.
   */
  private static void requireRuns(java.sql.Connection connection) throws SQLException {
    try (PreparedStatement s =
            connection.prepareStatement(
                "SELECT count(*) FROM pragma_table_info('es_events') WHERE name = 'count'");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next() || rs.getInt(1) != 1) {
        throw new IllegalStateException(
            "table es_events has no column 'count': it was made by a pre-release event store"
                + " with a row per event (docs/FORMAT.md section 14 has a row per run). Copy the"
                + " events of topic '"
                + TOPIC
                + "' into a new file with the event store of this version");
      }
    }
  }

  /** True once every table exists (checked on a reader too, before the first use). */
  static boolean exists(StepContext tx) throws SQLException {
    return exists(tx.connection());
  }

  static boolean exists(java.sql.Connection connection) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('es_streams',"
                + " 'es_events', 'es_event_ids', 'es_event_tags', 'es_index', 'es_projections',"
                + " 'es_snapshots')")) {
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getInt(1) == TABLES.size();
      }
    }
  }
}
