package dev.onelog.internal.storage;

import dev.onelog.CleanupPolicy;
import dev.onelog.CorruptRecordException;
import dev.onelog.TopicExistsException;
import dev.onelog.TopicSpec;
import dev.onelog.UnknownPartitionException;
import dev.onelog.UnknownTopicException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topics of a file, cached in memory. Thread-safe: the cache is an immutable map replaced as a
 * whole (a volatile field), reloaded from the file on a miss, because another process may have
 * created a topic since. The SQL that creates and deletes topics runs on the writer thread's
 * connection, inside its transaction.
 */
public final class TopicCatalog {
  /** Sorted by name. Guarded by being replaced whole; readers never see a half-built map. */
  private volatile Map<String, TopicMeta> topics = Map.of();

  /** The cached topic, or null; never reads the file. */
  public TopicMeta cached(String name) {
    return topics.get(name);
  }

  /** The cached topic, or after one reload from the file, or null. */
  public TopicMeta find(String name, Connection reader) throws SQLException {
    TopicMeta meta = topics.get(name);
    if (meta == null) {
      reload(reader);
      meta = topics.get(name);
    }
    return meta;
  }

  /**
   * The topic of that name.
   *
   * @throws UnknownTopicException listing the known topics
   */
  public TopicMeta require(String name, Connection reader) throws SQLException {
    TopicMeta meta = find(name, reader);
    if (meta == null) {
      throw unknownTopic(name);
    }
    return meta;
  }

  /** Checks the partition number against the topic's partition count. */
  public static void requirePartition(TopicMeta meta, int partition) {
    if (partition < 0 || partition >= meta.partitions()) {
      throw new UnknownPartitionException(
          "topic '"
              + meta.name()
              + "' has no partition "
              + partition
              + "; its partitions are 0.."
              + (meta.partitions() - 1));
    }
  }

  public UnknownTopicException unknownTopic(String name) {
    return new UnknownTopicException(
        "topic '" + name + "' does not exist; known topics: " + List.copyOf(topics.keySet()));
  }

  /** Every topic, read afresh from the file. */
  public List<TopicMeta> list(Connection reader) throws SQLException {
    reload(reader);
    return List.copyOf(topics.values());
  }

  /**
   * Reads every topic from the file into the cache.
   *
   * @throws CorruptRecordException when {@code topics} lacks a column of the format, or a row of it
   *     cannot be read as a topic (its config not JSON, its name or cleanup policy missing or
   *     unknown): the table has no checksum, so this is where damage to it shows
   */
  public void reload(Connection connection) throws SQLException {
    Map<String, TopicMeta> fresh = new TreeMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(SELECT_TOPICS)) {
      while (rs.next()) {
        if (rs.getString(2) == null || rs.getString(4) == null) {
          throw damagedTopics("a row with id " + rs.getLong(1) + " has no name or cleanup policy");
        }
        TopicMeta meta;
        try {
          meta = topicMeta(rs);
        } catch (IllegalArgumentException e) {
          throw damagedTopics("topic '" + rs.getString(2) + "': " + e.getMessage());
        }
        fresh.put(meta.name(), meta);
      }
    } catch (SQLException e) {
      String message = String.valueOf(e.getMessage());
      if (!message.contains("malformed JSON") && !message.contains("no such column")) {
        throw e;
      }
      CorruptRecordException damaged =
          damagedTopics(
              message.contains("malformed JSON")
                  ? "a topic's config is " + message
                  : "it does not have the format's columns (" + message + ")");
      damaged.initCause(e);
      throw damaged;
    }
    topics = java.util.Collections.unmodifiableMap(fresh);
  }

  private static CorruptRecordException damagedTopics(String what) {
    return new CorruptRecordException(
        "the topics table is damaged: "
            + what
            + ". The file was damaged or edited; restore it from a backup");
  }

  /**
   * Every column of {@code topics}, the compaction settings read from the {@code config} JSON with
   * Kafka's defaults where a key is missing (files of format 3 hold {@code {}}).
   */
  public static final String SELECT_TOPICS =
      "SELECT id, name, partitions, cleanup_policy, retention_ms, retention_bytes,"
          + " COALESCE(json_extract(config, '$.\"delete.retention.ms\"'), "
          + TopicSpec.DEFAULT_DELETE_RETENTION.toMillis()
          + "), COALESCE(json_extract(config, '$.\"min.cleanable.dirty.ratio\"'), "
          + TopicSpec.DEFAULT_MIN_CLEANABLE_DIRTY_RATIO
          + "), COALESCE(json_extract(config, '$.\"min.compaction.lag.ms\"'), 0),"
          + " created_at_ms FROM topics";

  public static TopicMeta topicMeta(ResultSet rs) throws SQLException {
    return new TopicMeta(
        rs.getLong(1),
        rs.getString(2),
        rs.getInt(3),
        CleanupPolicy.parse(rs.getString(4)),
        nullableLong(rs, 5),
        nullableLong(rs, 6),
        rs.getLong(7),
        rs.getDouble(8),
        rs.getLong(9),
        rs.getLong(10));
  }

  /** The topic of that name read inside the caller's transaction, or null. */
  public static TopicMeta read(Connection connection, String name) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(SELECT_TOPICS + " WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? topicMeta(rs) : null;
      }
    }
  }

  /** Forgets a topic, after this process deleted it or found its tables gone. */
  public void evict(String name) {
    Map<String, TopicMeta> fresh = new TreeMap<>(topics);
    fresh.remove(name);
    topics = java.util.Collections.unmodifiableMap(fresh);
  }

  /**
   * Inserts the topic, its partitions and their log tables. Runs inside the writer's transaction;
   * the cache is updated by the caller after the commit.
   *
   * @throws TopicExistsException when a topic of that name exists
   */
  public static TopicMeta create(Connection writer, TopicSpec spec, long nowMs)
      throws SQLException {
    TopicNames.validate(spec.name());
    try (PreparedStatement exists =
        writer.prepareStatement("SELECT partitions FROM topics WHERE name = ?")) {
      exists.setString(1, spec.name());
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          throw new TopicExistsException(
              "topic '"
                  + spec.name()
                  + "' exists already, with "
                  + rs.getInt(1)
                  + " partition(s); choose another name or delete it first");
        }
      }
    }
    long id;
    try (PreparedStatement insert =
        writer.prepareStatement(
            "INSERT INTO topics (name, partitions, cleanup_policy, retention_ms, retention_bytes,"
                + " created_at_ms, config) VALUES (?, ?, ?, ?, ?, ?, "
                + CONFIG_JSON
                + ") RETURNING id")) {
      insert.setString(1, spec.name());
      insert.setInt(2, spec.partitions());
      insert.setString(3, spec.cleanupPolicy().configValue());
      setNullableLong(insert, 4, spec.retention() == null ? null : spec.retention().toMillis());
      setNullableLong(insert, 5, spec.retentionBytes());
      insert.setLong(6, nowMs);
      bindConfig(insert, 7, spec);
      try (ResultSet rs = insert.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    }
    try (PreparedStatement partition =
            writer.prepareStatement("INSERT INTO partitions (topic_id, partition) VALUES (?, ?)");
        Statement ddl = writer.createStatement()) {
      for (int p = 0; p < spec.partitions(); p++) {
        partition.setLong(1, id);
        partition.setInt(2, p);
        partition.executeUpdate();
        ddl.execute(FileFormat.createLogTable(id, p));
      }
    }
    TopicMeta created = TopicMeta.of(id, spec, nowMs);
    if (created.compacted()) {
      KeyIndex.create(writer, created, 0, created.partitions());
    }
    return created;
  }

  /** The {@code config} column's JSON, bound by {@link #bindConfig} at three parameters. */
  static final String CONFIG_JSON =
      "json_object('delete.retention.ms', ?, 'min.cleanable.dirty.ratio', ?,"
          + " 'min.compaction.lag.ms', ?)";

  static void bindConfig(PreparedStatement ps, int first, TopicSpec spec) throws SQLException {
    ps.setLong(first, spec.deleteRetention().toMillis());
    ps.setDouble(first + 1, spec.minCleanableDirtyRatio());
    ps.setLong(first + 2, spec.minCompactionLag().toMillis());
  }

  /**
   * Drops the topic's log tables and rows. Runs inside the writer's transaction.
   *
   * @throws UnknownTopicException when no topic of that name exists
   */
  public void delete(Connection writer, String name) throws SQLException {
    IdAndPartitions found = idAndPartitions(writer, name);
    long id = found.id();
    int partitions = found.partitions();
    try (Statement s = writer.createStatement()) {
      for (int p = 0; p < partitions; p++) {
        s.execute("DROP TABLE IF EXISTS " + FileFormat.logTable(id, p));
        s.execute("DROP TABLE IF EXISTS " + FileFormat.keysTable(id, p));
      }
      s.execute("DELETE FROM cleaner_points WHERE topic_id = " + id);
      s.execute("DELETE FROM partitions WHERE topic_id = " + id);
      s.execute("DELETE FROM group_partitions WHERE topic_id = " + id);
      s.execute("DELETE FROM group_offsets WHERE topic_id = " + id);
      s.execute("DELETE FROM topics WHERE id = " + id);
    }
  }

  /**
   * Raises a topic's partition count: inserts the new partitions' rows and creates their log
   * tables. Runs inside the writer's transaction; the caller evicts the cached topic after the
   * commit.
   *
   * @throws UnknownTopicException when no topic of that name exists
   * @throws IllegalArgumentException when the count is not above the current one or over the limit
   */
  public int addPartitions(Connection writer, String name, int totalPartitions)
      throws SQLException {
    IdAndPartitions found = idAndPartitions(writer, name);
    long id = found.id();
    int current = found.partitions();
    if (totalPartitions <= current || totalPartitions > TopicSpec.MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "topic '"
              + name
              + "' has "
              + current
              + " partition(s); the new count must be above that and at most "
              + TopicSpec.MAX_PARTITIONS
              + ", was "
              + totalPartitions
              + " (partitions can be added, never removed)");
    }
    try (PreparedStatement partition =
            writer.prepareStatement("INSERT INTO partitions (topic_id, partition) VALUES (?, ?)");
        PreparedStatement update =
            writer.prepareStatement("UPDATE topics SET partitions = ? WHERE id = ?");
        Statement ddl = writer.createStatement()) {
      for (int p = current; p < totalPartitions; p++) {
        partition.setLong(1, id);
        partition.setInt(2, p);
        partition.executeUpdate();
        ddl.execute(FileFormat.createLogTable(id, p));
      }
      TopicMeta topic = read(writer, name);
      if (topic.compacted()) {
        KeyIndex.create(writer, topic, current, totalPartitions);
      }
      update.setInt(1, totalPartitions);
      update.setLong(2, id);
      update.executeUpdate();
    }
    return totalPartitions;
  }

  /**
   * Changes a topic's cleanup policy, retention and compaction settings: {@code change} gets the
   * current settings, read inside the writer's transaction, and returns the new ones. A policy that
   * starts compacting gets its key index built from the records the partitions hold (a scan of the
   * topic, in this transaction); one that stops drops it. The caller evicts the cached topic after
   * the commit.
   *
   * @throws UnknownTopicException when no topic of that name exists
   * @throws IllegalArgumentException when {@code change} renames the topic or changes its partition
   *     count
   * @throws dev.onelog.InvalidRecordException when the topic would become compacted but holds a
   *     record without a key
   */
  public TopicMeta alter(
      Connection writer, String name, java.util.function.UnaryOperator<TopicSpec> change)
      throws SQLException {
    TopicMeta before = read(writer, name);
    if (before == null) {
      reload(writer);
      throw unknownTopic(name);
    }
    TopicSpec spec = java.util.Objects.requireNonNull(change.apply(before.spec()), "new spec");
    if (!spec.name().equals(name) || spec.partitions() != before.partitions()) {
      throw new IllegalArgumentException(
          "altering topic '"
              + name
              + "' changes only its policy, retention and compaction settings; the change"
              + " returned name '"
              + spec.name()
              + "' and "
              + spec.partitions()
              + " partition(s) (add partitions with createPartitions; topics are not renamed)");
    }
    try (PreparedStatement update =
        writer.prepareStatement(
            "UPDATE topics SET cleanup_policy = ?, retention_ms = ?, retention_bytes = ?,"
                + " config = json_patch(config, "
                + CONFIG_JSON
                + ") WHERE id = ?")) {
      update.setString(1, spec.cleanupPolicy().configValue());
      setNullableLong(update, 2, spec.retention() == null ? null : spec.retention().toMillis());
      setNullableLong(update, 3, spec.retentionBytes());
      bindConfig(update, 4, spec);
      update.setLong(7, before.id());
      update.executeUpdate();
    }
    TopicMeta after = TopicMeta.of(before.id(), spec, before.createdAtMs());
    if (!before.compacted() && after.compacted()) {
      KeyIndex.create(writer, after, 0, after.partitions());
      for (int p = 0; p < after.partitions(); p++) {
        KeyIndex.build(writer, after, p);
      }
    } else if (before.compacted() && !after.compacted()) {
      KeyIndex.drop(writer, before);
    }
    return after;
  }

  /**
   * The topic's id and partition count, read inside the writer's transaction.
   *
   * @throws UnknownTopicException when no topic of that name exists
   */
  private IdAndPartitions idAndPartitions(Connection writer, String name) throws SQLException {
    try (PreparedStatement find =
        writer.prepareStatement("SELECT id, partitions FROM topics WHERE name = ?")) {
      find.setString(1, name);
      try (ResultSet rs = find.executeQuery()) {
        if (!rs.next()) {
          reload(writer);
          throw unknownTopic(name);
        }
        return new IdAndPartitions(rs.getLong(1), rs.getInt(2));
      }
    }
  }

  private record IdAndPartitions(long id, int partitions) {}

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static void setNullableLong(PreparedStatement ps, int index, Long value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, java.sql.Types.INTEGER);
    } else {
      ps.setLong(index, value);
    }
  }

  /** A snapshot of the known names, for messages. */
  public List<String> knownNames() {
    return new ArrayList<>(topics.keySet());
  }
}
