package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.GroupState;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.group.PartitionOffset;
import dev.onelog.group.ResetTarget;
import dev.onelog.group.UnknownGroupException;
import dev.onelog.internal.group.GroupTables.Committed;
import dev.onelog.internal.group.GroupTables.GroupRow;
import dev.onelog.internal.group.GroupTables.TopicRow;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.write.StepContext;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code Groups} reads and changes as a whole: listing, describing (members, leases, offsets,
 * lag), committed offsets, resetting and deleting a group or some of its offsets. Reads run on a
 * read session in one statement each; changes run as write steps and refuse a group with live
 * members. Stateless.
 */
public final class GroupQueries {
  private GroupQueries() {}

  public static List<String> groupIds(StatementCache s) throws SQLException {
    return GroupTables.groupIds(s);
  }

  /** The group's generation, or -1 when it does not exist; cheap enough for every poll wake-up. */
  public static long generation(StatementCache s, String groupId) throws SQLException {
    GroupRow group = GroupTables.group(s, groupId);
    return group == null ? -1 : group.generation();
  }

  /**
   * @throws UnknownGroupException listing the known groups
   */
  public static GroupDescription describe(StatementCache s, String groupId, long nowMs)
      throws SQLException {
    GroupRow group = requireGroup(s, groupId);
    List<TopicRow> topics = GroupTables.topics(s);
    Map<Long, TopicRow> byId = new HashMap<>();
    topics.forEach(t -> byId.put(t.id(), t));
    List<LeaseRow> leases = GroupTables.leases(s, groupId);
    List<MemberDescription> members = new ArrayList<>();
    for (MemberRow member : GroupTables.members(s, groupId)) {
      if (!member.isLive(nowMs)) {
        continue;
      }
      List<TopicPartition> owned = new ArrayList<>();
      List<TopicPartition> assigned = new ArrayList<>();
      for (LeaseRow lease : leases) {
        TopicRow topic = byId.get(lease.topicId());
        if (topic == null) {
          continue;
        }
        TopicPartition partition = new TopicPartition(topic.name(), lease.partition());
        if (member.memberId().equals(lease.owner())) {
          owned.add(partition);
        }
        if (member.memberId().equals(lease.target())) {
          assigned.add(partition);
        }
      }
      owned.sort(PARTITION_ORDER);
      assigned.sort(PARTITION_ORDER);
      members.add(
          new MemberDescription(
              member.memberId(),
              member.instanceId(),
              member.client(),
              member.subscription().toString(),
              Duration.ofMillis(member.sessionTimeoutMs()),
              Instant.ofEpochMilli(member.heartbeatAtMs()),
              List.copyOf(owned),
              List.copyOf(assigned)));
    }
    boolean moving = false;
    java.util.Set<String> liveIds = new java.util.HashSet<>();
    members.forEach(m -> liveIds.add(m.memberId()));
    Map<TopicPartition, String> owners = new HashMap<>();
    for (LeaseRow lease : leases) {
      TopicRow topic = byId.get(lease.topicId());
      if (topic == null) {
        continue;
      }
      // An expired member's lease is free in effect: the next sync of any member frees it.
      owners.put(
          new TopicPartition(topic.name(), lease.partition()),
          liveIds.contains(lease.owner()) ? lease.owner() : null);
      if (lease.target() != null && !lease.target().equals(lease.owner())) {
        moving = true;
      }
    }
    GroupState state =
        members.isEmpty() ? GroupState.EMPTY : moving ? GroupState.REBALANCING : GroupState.STABLE;
    Map<TopicPartition, Committed> committed = committedOffsets(s, groupId, byId);
    TreeMap<TopicPartition, Boolean> partitions = new TreeMap<>(PARTITION_ORDER);
    committed.keySet().forEach(p -> partitions.put(p, true));
    owners.keySet().forEach(p -> partitions.put(p, true));
    List<PartitionOffset> offsets = new ArrayList<>();
    for (TopicPartition partition : partitions.keySet()) {
      TopicRow topic = byName(topics, partition.topic());
      PartitionReader.PartitionState state2 =
          PartitionReader.state(s, meta(topic), partition.partition());
      Committed c = committed.get(partition);
      long committedOffset = c == null ? -1 : c.offset();
      offsets.add(
          new PartitionOffset(
              partition,
              committedOffset,
              state2.logStartOffset(),
              state2.nextOffset(),
              c == null ? -1 : Math.max(0, state2.nextOffset() - committedOffset),
              owners.get(partition),
              c == null ? "" : c.metadata()));
    }
    return new GroupDescription(
        groupId,
        state,
        group.generation(),
        group.assignor(),
        List.copyOf(members),
        List.copyOf(offsets));
  }

  /** The group's committed offsets, by partition; empty when it has none or does not exist. */
  public static Map<TopicPartition, OffsetAndMetadata> committed(StatementCache s, String groupId)
      throws SQLException {
    Map<Long, TopicRow> byId = new HashMap<>();
    GroupTables.topics(s).forEach(t -> byId.put(t.id(), t));
    Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
    committedOffsets(s, groupId, byId)
        .forEach((p, c) -> out.put(p, new OffsetAndMetadata(c.offset(), c.metadata())));
    return out;
  }

  /** One partition's committed offset, or null. */
  public static OffsetAndMetadata committed(
      StatementCache s, String groupId, TopicPartition partition) throws SQLException {
    TopicRow topic = GroupTables.topic(s, partition.topic());
    if (topic == null) {
      return null;
    }
    Committed c = GroupTables.committed(s, groupId, topic.id(), partition.partition());
    return c == null ? null : new OffsetAndMetadata(c.offset(), c.metadata());
  }

  /** The committed offsets of these partitions; absent ones have none. */
  public static Map<TopicPartition, OffsetAndMetadata> committed(
      StatementCache s, String groupId, java.util.Collection<TopicPartition> partitions)
      throws SQLException {
    Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata committed = committed(s, groupId, partition);
      if (committed != null) {
        out.put(partition, committed);
      }
    }
    return out;
  }

  /**
   * The partition's next offset minus the group's committed offset (0 when the commit is past the
   * end), or -1 when the group has none, as {@link #describe} and docs/FORMAT.md 12.2 count it.
   *
   * @throws dev.onelog.UnknownTopicException when the topic does not exist
   */
  public static long lag(
      StatementCache s, TopicCatalog catalog, String groupId, TopicPartition partition)
      throws SQLException {
    TopicMeta topic = catalog.require(partition.topic(), s.connection());
    TopicCatalog.requirePartition(topic, partition.partition());
    PartitionReader.PartitionState state = PartitionReader.state(s, topic, partition.partition());
    OffsetAndMetadata committed = committed(s, groupId, partition);
    return committed == null ? -1 : Math.max(0, state.nextOffset() - committed.offset());
  }

  private static Map<TopicPartition, Committed> committedOffsets(
      StatementCache s, String groupId, Map<Long, TopicRow> byId) throws SQLException {
    var select =
        s.bound(
            "SELECT topic_id, partition, committed_offset, metadata FROM group_offsets"
                + " WHERE group_id = ? ORDER BY topic_id, partition",
            groupId);
    Map<TopicPartition, Committed> out = new LinkedHashMap<>();
    try (var rs = select.executeQuery()) {
      while (rs.next()) {
        TopicRow topic = byId.get(rs.getLong(1));
        if (topic != null) {
          out.put(
              new TopicPartition(topic.name(), rs.getInt(2)),
              new Committed(rs.getLong(3), rs.getString(4)));
        }
      }
    }
    return out;
  }

  /**
   * The offsets a reset would commit in each partition of the topic; reads only. Run in a write
   * step by {@link #reset} to apply them.
   *
   * @throws UnknownGroupException when the group does not exist
   * @throws dev.onelog.UnknownTopicException when the topic does not exist
   */
  public static Map<TopicPartition, Long> planReset(
      StatementCache s, TopicCatalog catalog, String groupId, String topic, ResetTarget to)
      throws SQLException {
    requireGroup(s, groupId);
    TopicMeta meta = catalog.require(topic, s.connection());
    TopicRow row = new TopicRow(meta.id(), meta.name(), meta.partitions());
    Map<TopicPartition, Long> plan = new LinkedHashMap<>();
    for (int p = 0; p < meta.partitions(); p++) {
      PartitionReader.PartitionState state = PartitionReader.state(s, meta, p);
      long earliest = state.logStartOffset();
      long next = state.nextOffset();
      long offset;
      if (to instanceof ResetTarget.Earliest) {
        offset = earliest;
      } else if (to instanceof ResetTarget.Latest) {
        offset = next;
      } else if (to instanceof ResetTarget.ToOffset o) {
        offset = o.offset();
      } else if (to instanceof ResetTarget.ToTime t) {
        offset =
            PartitionReader.offsetForTimestamp(s, meta, p, t.time().toEpochMilli()).orElse(next);
      } else {
        Committed c = GroupTables.committed(s, groupId, row.id(), p);
        offset = (c == null ? earliest : c.offset()) + ((ResetTarget.ShiftBy) to).delta();
      }
      plan.put(new TopicPartition(topic, p), Math.max(earliest, Math.min(next, offset)));
    }
    return plan;
  }

  /**
   * Commits a reset's offsets, inside a write step.
   *
   * @throws dev.onelog.group.GroupNotEmptyException when the group has live members
   */
  public static Map<TopicPartition, Long> reset(
      StepContext tx, TopicCatalog catalog, String groupId, String topic, ResetTarget to)
      throws SQLException {
    OffsetCommits.requireNoLiveMembers(tx.statements(), groupId, tx.nowMs(), "reset its offsets");
    Map<TopicPartition, Long> plan = planReset(tx.statements(), catalog, groupId, topic, to);
    TopicRow row = GroupTables.topic(tx.statements(), topic);
    for (Map.Entry<TopicPartition, Long> entry : plan.entrySet()) {
      GroupTables.commitOffset(
          tx.statements(),
          groupId,
          row.id(),
          entry.getKey().partition(),
          entry.getValue(),
          "",
          tx.nowMs());
    }
    return plan;
  }

  /**
   * Deletes the group's rows: offsets, leases and expired members.
   *
   * @throws UnknownGroupException when it does not exist
   * @throws dev.onelog.group.GroupNotEmptyException when it has live members
   */
  public static void delete(StepContext tx, String groupId) throws SQLException {
    requireGroup(tx.statements(), groupId);
    OffsetCommits.requireNoLiveMembers(tx.statements(), groupId, tx.nowMs(), "delete it");
    GroupTables.deleteGroup(tx.statements(), groupId);
  }

  /**
   * Deletes the group's committed offsets of these partitions, inside a write step; returns those
   * that had one. A partition of a topic that does not exist has none.
   *
   * @throws UnknownGroupException when it does not exist
   * @throws dev.onelog.group.GroupNotEmptyException when it has live members
   */
  public static java.util.Set<TopicPartition> deleteOffsets(
      StepContext tx, String groupId, java.util.Collection<TopicPartition> partitions)
      throws SQLException {
    requireGroup(tx.statements(), groupId);
    OffsetCommits.requireNoLiveMembers(
        tx.statements(), groupId, tx.nowMs(), "delete its committed offsets", false);
    java.util.Set<TopicPartition> deleted = new java.util.LinkedHashSet<>();
    for (TopicPartition partition : partitions) {
      TopicRow topic = GroupTables.topic(tx.statements(), partition.topic());
      if (topic != null
          && GroupTables.deleteOffset(
              tx.statements(), groupId, topic.id(), partition.partition())) {
        deleted.add(partition);
      }
    }
    return deleted;
  }

  private static GroupRow requireGroup(StatementCache s, String groupId) throws SQLException {
    GroupRow group = GroupTables.group(s, groupId);
    if (group == null) {
      List<String> known = GroupTables.groupIds(s);
      throw new UnknownGroupException(
          "group '" + groupId + "' does not exist; known groups: " + known, groupId, known);
    }
    return group;
  }

  private static TopicRow byName(List<TopicRow> topics, String name) {
    for (TopicRow topic : topics) {
      if (topic.name().equals(name)) {
        return topic;
      }
    }
    throw new IllegalStateException("topic " + name + " vanished during the read");
  }

  private static TopicMeta meta(TopicRow topic) {
    return TopicMeta.of(
        topic.id(), dev.onelog.TopicSpec.named(topic.name()).withPartitions(topic.partitions()), 0);
  }

  static final Comparator<TopicPartition> PARTITION_ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);
}
