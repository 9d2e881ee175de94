package dev.onelog.internal.storage;

import dev.onelog.CleanupPolicy;
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

  public void reload(Connection connection) throws SQLException {
    Map<String, TopicMeta> fresh = new TreeMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, name, partitions, cleanup_policy, retention_ms, retention_bytes, created_at_ms FROM topics")) {
      while (rs.next()) {
        TopicMeta meta =
            new TopicMeta(
                rs.getLong(1),
                rs.getString(2),
                rs.getInt(3),
                CleanupPolicy.parse(rs.getString(4)),
                nullableLong(rs, 5),
                nullableLong(rs, 6),
                rs.getLong(7));
        fresh.put(meta.name(), meta);
      }
    }
    topics = java.util.Collections.unmodifiableMap(fresh);
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
            "INSERT INTO topics (name, partitions, cleanup_policy, retention_ms, retention_bytes, created_at_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
      insert.setString(1, spec.name());
      insert.setInt(2, spec.partitions());
      insert.setString(3, spec.cleanupPolicy().configValue());
      setNullableLong(insert, 4, spec.retention() == null ? null : spec.retention().toMillis());
      setNullableLong(insert, 5, spec.retentionBytes());
      insert.setLong(6, nowMs);
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
    return new TopicMeta(
        id,
        spec.name(),
        spec.partitions(),
        spec.cleanupPolicy(),
        spec.retention() == null ? null : spec.retention().toMillis(),
        spec.retentionBytes(),
        nowMs);
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
      }
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
      update.setInt(1, totalPartitions);
      update.setLong(2, id);
      update.executeUpdate();
    }
    return totalPartitions;
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
