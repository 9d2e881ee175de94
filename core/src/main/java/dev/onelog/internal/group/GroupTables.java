package dev.onelog.internal.group;

import dev.onelog.group.Assignor;
import dev.onelog.internal.storage.StatementCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL over the group tables ({@code consumer_groups}, {@code group_members}, {@code
 * group_partitions}, {@code group_offsets}; docs/FORMAT.md section 12), on whatever session it is
 * given: the writer's inside a step, or a reader's. Stateless.
 */
final class GroupTables {
  private GroupTables() {}

  /** A row of {@code consumer_groups}. */
  record GroupRow(String groupId, long generation, Assignor assignor) {}

  /** A topic as the group code needs it, read inside the transaction. */
  record TopicRow(long id, String name, int partitions) {}

  static GroupRow group(StatementCache s, String groupId) throws SQLException {
    PreparedStatement select =
        s.get("SELECT generation, assignor FROM consumer_groups WHERE group_id = ?");
    select.setString(1, groupId);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next()
          ? new GroupRow(groupId, rs.getLong(1), Assignor.parse(rs.getString(2)))
          : null;
    }
  }

  static void insertGroup(StatementCache s, String groupId, Assignor assignor, long nowMs)
      throws SQLException {
    PreparedStatement insert =
        s.get(
            "INSERT INTO consumer_groups (group_id, generation, assignor, created_at_ms,"
                + " updated_at_ms) VALUES (?, 0, ?, ?, ?)");
    insert.setString(1, groupId);
    insert.setString(2, assignor.configValue());
    insert.setLong(3, nowMs);
    insert.setLong(4, nowMs);
    insert.executeUpdate();
  }

  static void updateGroup(
      StatementCache s, String groupId, long generation, Assignor assignor, long nowMs)
      throws SQLException {
    PreparedStatement update =
        s.get(
            "UPDATE consumer_groups SET generation = ?, assignor = ?, updated_at_ms = ?"
                + " WHERE group_id = ?");
    update.setLong(1, generation);
    update.setString(2, assignor.configValue());
    update.setLong(3, nowMs);
    update.setString(4, groupId);
    update.executeUpdate();
  }

  static List<String> groupIds(StatementCache s) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (ResultSet rs =
        s.get("SELECT group_id FROM consumer_groups ORDER BY group_id").executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  static List<MemberRow> members(StatementCache s, String groupId) throws SQLException {
    PreparedStatement select =
        s.get(
            "SELECT member_id, instance_id, client, subscribed_topics, topic_pattern,"
                + " session_timeout_ms, joined_at_ms, heartbeat_at_ms FROM group_members"
                + " WHERE group_id = ? ORDER BY member_id");
    select.setString(1, groupId);
    List<MemberRow> members = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        members.add(
            new MemberRow(
                groupId,
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                Subscription.fromColumns(rs.getString(4), rs.getString(5)),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8)));
      }
    }
    return members;
  }

  static void insertMember(StatementCache s, MemberRow member) throws SQLException {
    PreparedStatement insert =
        s.get(
            "INSERT INTO group_members (group_id, member_id, instance_id, client,"
                + " subscribed_topics, topic_pattern, session_timeout_ms, joined_at_ms,"
                + " heartbeat_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.setString(1, member.groupId());
    insert.setString(2, member.memberId());
    insert.setString(3, member.instanceId());
    insert.setString(4, member.client());
    insert.setString(5, member.subscription().topicsColumn());
    insert.setString(6, member.subscription().patternColumn());
    insert.setLong(7, member.sessionTimeoutMs());
    insert.setLong(8, member.joinedAtMs());
    insert.setLong(9, member.heartbeatAtMs());
    insert.executeUpdate();
  }

  /**
   * @return false when the member's row is gone (its session expired, or it was replaced)
   */
  static boolean heartbeat(StatementCache s, String groupId, String memberId, long nowMs)
      throws SQLException {
    PreparedStatement update =
        s.get("UPDATE group_members SET heartbeat_at_ms = ? WHERE group_id = ? AND member_id = ?");
    update.setLong(1, nowMs);
    update.setString(2, groupId);
    update.setString(3, memberId);
    return update.executeUpdate() == 1;
  }

  /** Removes a member, its leases and its assignment (the next rebalance assigns them again). */
  static void removeMember(StatementCache s, String groupId, String memberId) throws SQLException {
    PreparedStatement delete =
        s.get("DELETE FROM group_members WHERE group_id = ? AND member_id = ?");
    delete.setString(1, groupId);
    delete.setString(2, memberId);
    delete.executeUpdate();
    PreparedStatement release =
        s.get(
            "UPDATE group_partitions SET owner_member = NULL, owner_generation = NULL"
                + " WHERE group_id = ? AND owner_member = ?");
    release.setString(1, groupId);
    release.setString(2, memberId);
    release.executeUpdate();
    PreparedStatement untarget =
        s.get(
            "UPDATE group_partitions SET target_member = NULL"
                + " WHERE group_id = ? AND target_member = ?");
    untarget.setString(1, groupId);
    untarget.setString(2, memberId);
    untarget.executeUpdate();
  }

  /**
   * A restarted static member takes over its predecessor's row, leases and assignment under its new
   * id: the predecessor, if it still runs, is fenced.
   */
  static void replaceMember(StatementCache s, MemberRow old, MemberRow replacement)
      throws SQLException {
    PreparedStatement delete =
        s.get("DELETE FROM group_members WHERE group_id = ? AND member_id = ?");
    delete.setString(1, old.groupId());
    delete.setString(2, old.memberId());
    delete.executeUpdate();
    insertMember(s, replacement);
    PreparedStatement owner =
        s.get(
            "UPDATE group_partitions SET owner_member = ? WHERE group_id = ? AND owner_member = ?");
    owner.setString(1, replacement.memberId());
    owner.setString(2, old.groupId());
    owner.setString(3, old.memberId());
    owner.executeUpdate();
    PreparedStatement target =
        s.get(
            "UPDATE group_partitions SET target_member = ?"
                + " WHERE group_id = ? AND target_member = ?");
    target.setString(1, replacement.memberId());
    target.setString(2, old.groupId());
    target.setString(3, old.memberId());
    target.executeUpdate();
  }

  static List<LeaseRow> leases(StatementCache s, String groupId) throws SQLException {
    PreparedStatement select =
        s.get(
            "SELECT topic_id, partition, target_member, owner_member, owner_generation"
                + " FROM group_partitions WHERE group_id = ? ORDER BY topic_id, partition");
    select.setString(1, groupId);
    List<LeaseRow> leases = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        leases.add(
            new LeaseRow(
                rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
      }
    }
    return leases;
  }

  static void setTarget(
      StatementCache s, String groupId, long topicId, int partition, String target)
      throws SQLException {
    PreparedStatement upsert =
        s.get(
            "INSERT INTO group_partitions (group_id, topic_id, partition, target_member)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, topic_id, partition)"
                + " DO UPDATE SET target_member = excluded.target_member");
    upsert.setString(1, groupId);
    upsert.setLong(2, topicId);
    upsert.setInt(3, partition);
    upsert.setString(4, target);
    upsert.executeUpdate();
  }

  /** Drops the rows of partitions nobody is assigned or holds. */
  static void dropIdleLeases(StatementCache s, String groupId) throws SQLException {
    PreparedStatement delete =
        s.get(
            "DELETE FROM group_partitions WHERE group_id = ? AND target_member IS NULL"
                + " AND owner_member IS NULL");
    delete.setString(1, groupId);
    delete.executeUpdate();
  }

  /** Gives a member the free partitions assigned to it. */
  static void grant(StatementCache s, String groupId, String memberId, long generation)
      throws SQLException {
    PreparedStatement update =
        s.get(
            "UPDATE group_partitions SET owner_member = ?, owner_generation = ?"
                + " WHERE group_id = ? AND target_member = ? AND owner_member IS NULL");
    update.setString(1, memberId);
    update.setLong(2, generation);
    update.setString(3, groupId);
    update.setString(4, memberId);
    update.executeUpdate();
  }

  static void release(
      StatementCache s, String groupId, String memberId, long topicId, int partition)
      throws SQLException {
    PreparedStatement update =
        s.get(
            "UPDATE group_partitions SET owner_member = NULL, owner_generation = NULL"
                + " WHERE group_id = ? AND topic_id = ? AND partition = ? AND owner_member = ?");
    update.setString(1, groupId);
    update.setLong(2, topicId);
    update.setInt(3, partition);
    update.setString(4, memberId);
    update.executeUpdate();
  }

  /** The holder of a partition's lease, or null. */
  static String owner(StatementCache s, String groupId, long topicId, int partition)
      throws SQLException {
    PreparedStatement select =
        s.get(
            "SELECT owner_member FROM group_partitions"
                + " WHERE group_id = ? AND topic_id = ? AND partition = ?");
    select.setString(1, groupId);
    select.setLong(2, topicId);
    select.setInt(3, partition);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static boolean memberExists(StatementCache s, String groupId, String memberId)
      throws SQLException {
    PreparedStatement select =
        s.get("SELECT 1 FROM group_members WHERE group_id = ? AND member_id = ?");
    select.setString(1, groupId);
    select.setString(2, memberId);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next();
    }
  }

  static void commitOffset(
      StatementCache s,
      String groupId,
      long topicId,
      int partition,
      long offset,
      String metadata,
      long nowMs)
      throws SQLException {
    PreparedStatement upsert =
        s.get(
            "INSERT INTO group_offsets (group_id, topic_id, partition, committed_offset, metadata,"
                + " committed_at_ms) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (group_id, topic_id, partition) DO UPDATE SET"
                + " committed_offset = excluded.committed_offset, metadata = excluded.metadata,"
                + " committed_at_ms = excluded.committed_at_ms");
    upsert.setString(1, groupId);
    upsert.setLong(2, topicId);
    upsert.setInt(3, partition);
    upsert.setLong(4, offset);
    upsert.setString(5, metadata);
    upsert.setLong(6, nowMs);
    upsert.executeUpdate();
  }

  /** A committed offset and its metadata, or null. */
  static Committed committed(StatementCache s, String groupId, long topicId, int partition)
      throws SQLException {
    PreparedStatement select =
        s.get(
            "SELECT committed_offset, metadata FROM group_offsets"
                + " WHERE group_id = ? AND topic_id = ? AND partition = ?");
    select.setString(1, groupId);
    select.setLong(2, topicId);
    select.setInt(3, partition);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? new Committed(rs.getLong(1), rs.getString(2)) : null;
    }
  }

  record Committed(long offset, String metadata) {}

  static List<TopicRow> topics(StatementCache s) throws SQLException {
    List<TopicRow> topics = new ArrayList<>();
    try (ResultSet rs =
        s.get("SELECT id, name, partitions FROM topics ORDER BY name").executeQuery()) {
      while (rs.next()) {
        topics.add(new TopicRow(rs.getLong(1), rs.getString(2), rs.getInt(3)));
      }
    }
    return topics;
  }

  static TopicRow topic(StatementCache s, String name) throws SQLException {
    PreparedStatement select = s.get("SELECT id, name, partitions FROM topics WHERE name = ?");
    select.setString(1, name);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? new TopicRow(rs.getLong(1), rs.getString(2), rs.getInt(3)) : null;
    }
  }

  /** Deletes every row of a group. */
  static void deleteGroup(StatementCache s, String groupId) throws SQLException {
    for (String table :
        List.of("group_offsets", "group_partitions", "group_members", "consumer_groups")) {
      PreparedStatement delete = s.get("DELETE FROM " + table + " WHERE group_id = ?");
      delete.setString(1, groupId);
      delete.executeUpdate();
    }
  }
}
