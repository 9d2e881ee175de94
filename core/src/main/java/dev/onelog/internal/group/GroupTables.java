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
        s.bound("SELECT generation, assignor FROM consumer_groups WHERE group_id = ?", groupId);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next()
          ? new GroupRow(groupId, rs.getLong(1), Assignor.parse(rs.getString(2)))
          : null;
    }
  }

  static void insertGroup(StatementCache s, String groupId, Assignor assignor, long nowMs)
      throws SQLException {
    PreparedStatement insert =
        s.bound(
            "INSERT INTO consumer_groups (group_id, generation, assignor, created_at_ms,"
                + " updated_at_ms) VALUES (?, 0, ?, ?, ?)",
            groupId,
            assignor.configValue(),
            nowMs,
            nowMs);
    insert.executeUpdate();
  }

  static void updateGroup(
      StatementCache s, String groupId, long generation, Assignor assignor, long nowMs)
      throws SQLException {
    PreparedStatement update =
        s.bound(
            "UPDATE consumer_groups SET generation = ?, assignor = ?, updated_at_ms = ?"
                + " WHERE group_id = ?",
            generation,
            assignor.configValue(),
            nowMs,
            groupId);
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
        s.bound(
            "SELECT member_id, instance_id, client, subscribed_topics, topic_pattern,"
                + " session_timeout_ms, joined_at_ms, heartbeat_at_ms FROM group_members"
                + " WHERE group_id = ? ORDER BY member_id",
            groupId);
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
        s.bound(
            "INSERT INTO group_members (group_id, member_id, instance_id, client,"
                + " subscribed_topics, topic_pattern, session_timeout_ms, joined_at_ms,"
                + " heartbeat_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            member.groupId(),
            member.memberId(),
            member.instanceId(),
            member.client(),
            member.subscription().topicsColumn(),
            member.subscription().patternColumn(),
            member.sessionTimeoutMs(),
            member.joinedAtMs(),
            member.heartbeatAtMs());
    insert.executeUpdate();
  }

  /**
   * @return false when the member's row is gone (its session expired, or it was replaced)
   */
  static boolean heartbeat(StatementCache s, String groupId, String memberId, long nowMs)
      throws SQLException {
    PreparedStatement update =
        s.bound(
            "UPDATE group_members SET heartbeat_at_ms = ? WHERE group_id = ? AND member_id = ?",
            nowMs,
            groupId,
            memberId);
    return update.executeUpdate() == 1;
  }

  /** Removes a member, its leases and its assignment (the next rebalance assigns them again). */
  static void removeMember(StatementCache s, String groupId, String memberId) throws SQLException {
    PreparedStatement delete =
        s.bound(
            "DELETE FROM group_members WHERE group_id = ? AND member_id = ?", groupId, memberId);
    delete.executeUpdate();
    PreparedStatement release =
        s.bound(
            "UPDATE group_partitions SET owner_member = NULL, owner_generation = NULL"
                + " WHERE group_id = ? AND owner_member = ?",
            groupId,
            memberId);
    release.executeUpdate();
    PreparedStatement untarget =
        s.bound(
            "UPDATE group_partitions SET target_member = NULL"
                + " WHERE group_id = ? AND target_member = ?",
            groupId,
            memberId);
    untarget.executeUpdate();
  }

  /**
   * A restarted static member takes over its predecessor's row, leases and assignment under its new
   * id: the predecessor, if it still runs, is fenced.
   */
  static void replaceMember(StatementCache s, MemberRow old, MemberRow replacement)
      throws SQLException {
    PreparedStatement delete =
        s.bound(
            "DELETE FROM group_members WHERE group_id = ? AND member_id = ?",
            old.groupId(),
            old.memberId());
    delete.executeUpdate();
    insertMember(s, replacement);
    PreparedStatement owner =
        s.bound(
            "UPDATE group_partitions SET owner_member = ? WHERE group_id = ? AND owner_member = ?",
            replacement.memberId(),
            old.groupId(),
            old.memberId());
    owner.executeUpdate();
    PreparedStatement target =
        s.bound(
            "UPDATE group_partitions SET target_member = ?"
                + " WHERE group_id = ? AND target_member = ?",
            replacement.memberId(),
            old.groupId(),
            old.memberId());
    target.executeUpdate();
  }

  static List<LeaseRow> leases(StatementCache s, String groupId) throws SQLException {
    PreparedStatement select =
        s.bound(
            "SELECT topic_id, partition, target_member, owner_member, owner_generation"
                + " FROM group_partitions WHERE group_id = ? ORDER BY topic_id, partition",
            groupId);
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
        s.bound(
            "INSERT INTO group_partitions (group_id, topic_id, partition, target_member)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, topic_id, partition)"
                + " DO UPDATE SET target_member = excluded.target_member",
            groupId,
            topicId,
            partition,
            target);
    upsert.executeUpdate();
  }

  /** Drops the rows of partitions nobody is assigned or holds. */
  static void dropIdleLeases(StatementCache s, String groupId) throws SQLException {
    PreparedStatement delete =
        s.bound(
            "DELETE FROM group_partitions WHERE group_id = ? AND target_member IS NULL"
                + " AND owner_member IS NULL",
            groupId);
    delete.executeUpdate();
  }

  /** Gives a member the free partitions assigned to it. */
  static void grant(StatementCache s, String groupId, String memberId, long generation)
      throws SQLException {
    PreparedStatement update =
        s.bound(
            "UPDATE group_partitions SET owner_member = ?, owner_generation = ?"
                + " WHERE group_id = ? AND target_member = ? AND owner_member IS NULL",
            memberId,
            generation,
            groupId,
            memberId);
    update.executeUpdate();
  }

  static void release(
      StatementCache s, String groupId, String memberId, long topicId, int partition)
      throws SQLException {
    PreparedStatement update =
        s.bound(
            "UPDATE group_partitions SET owner_member = NULL, owner_generation = NULL"
                + " WHERE group_id = ? AND topic_id = ? AND partition = ? AND owner_member = ?",
            groupId,
            topicId,
            partition,
            memberId);
    update.executeUpdate();
  }

  /** The holder of a partition's lease, or null. */
  static String owner(StatementCache s, String groupId, long topicId, int partition)
      throws SQLException {
    PreparedStatement select =
        s.bound(
            "SELECT owner_member FROM group_partitions"
                + " WHERE group_id = ? AND topic_id = ? AND partition = ?",
            groupId,
            topicId,
            partition);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static boolean memberExists(StatementCache s, String groupId, String memberId)
      throws SQLException {
    PreparedStatement select =
        s.bound(
            "SELECT 1 FROM group_members WHERE group_id = ? AND member_id = ?", groupId, memberId);
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
        s.bound(
            "INSERT INTO group_offsets (group_id, topic_id, partition, committed_offset, metadata,"
                + " committed_at_ms) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (group_id, topic_id, partition) DO UPDATE SET"
                + " committed_offset = excluded.committed_offset, metadata = excluded.metadata,"
                + " committed_at_ms = excluded.committed_at_ms",
            groupId,
            topicId,
            partition,
            offset,
            metadata,
            nowMs);
    upsert.executeUpdate();
  }

  /** Deletes one committed offset; returns whether there was one. */
  static boolean deleteOffset(StatementCache s, String groupId, long topicId, int partition)
      throws SQLException {
    return s.bound(
                "DELETE FROM group_offsets WHERE group_id = ? AND topic_id = ? AND partition = ?",
                groupId,
                topicId,
                partition)
            .executeUpdate()
        > 0;
  }

  /** A committed offset and its metadata, or null. */
  static Committed committed(StatementCache s, String groupId, long topicId, int partition)
      throws SQLException {
    PreparedStatement select =
        s.bound(
            "SELECT committed_offset, metadata FROM group_offsets"
                + " WHERE group_id = ? AND topic_id = ? AND partition = ?",
            groupId,
            topicId,
            partition);
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
    PreparedStatement select =
        s.bound("SELECT id, name, partitions FROM topics WHERE name = ?", name);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? new TopicRow(rs.getLong(1), rs.getString(2), rs.getInt(3)) : null;
    }
  }

  /** Deletes every row of a group. */
  static void deleteGroup(StatementCache s, String groupId) throws SQLException {
    for (String table :
        List.of("group_offsets", "group_partitions", "group_members", "consumer_groups")) {
      s.bound("DELETE FROM " + table + " WHERE group_id = ?", groupId).executeUpdate();
    }
  }
}
