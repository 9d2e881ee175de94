package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import dev.onelog.group.InconsistentAssignorException;
import dev.onelog.internal.group.GroupTables.GroupRow;
import dev.onelog.internal.group.GroupTables.TopicRow;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.write.StepContext;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The group protocol, run by every process on the file itself, inside write steps; there is no
 * coordinator process and no leader. Each step reads the group's rows, changes them and commits,
 * and SQLite's write lock serialises the steps of all processes, so each sees the last one's
 * result.
 *
 * <pre>
 * join     insert the member (a static member takes over its predecessor's row and leases), sync
 * sync     heartbeat the local members (unless one has not polled within its max poll interval)
 *          expire members whose heartbeat is older than their session timeout: delete their rows,
 *            free their leases
 *          rebalance: the assignor divides the live members' subscribed partitions; when the
 *            assignment (target_member) changed, the generation goes up by one
 *          grant: a local member takes the lease of each free partition assigned to it
 * release  a member's poll thread, after onPartitionsRevoked, frees leases it must give up; sync
 * leave    delete the member's row and free its leases; sync
 * </pre>
 *
 * Invariants: a partition has at most one lease holder (one row per partition, {@code
 * owner_member}); a lease changes hands only through NULL, i.e. after its holder released it or
 * expired; a member commits offsets only of partitions whose lease it holds ({@link
 * OffsetCommits}). Stateless; runs on the writer thread.
 */
final class GroupSync {
  private GroupSync() {}

  /** Adds a member to its group (creating the group) and syncs the group. */
  static Map<LocalMember, MemberView> join(
      StepContext tx, LocalMember joining, List<LocalMember> locals, long nowNanos)
      throws SQLException {
    StatementCache s = tx.statements();
    long now = tx.nowMs();
    String groupId = joining.groupId();
    GroupRow group = GroupTables.group(s, groupId);
    List<MemberRow> members = GroupTables.members(s, groupId);
    WireMembers.refuseEmbeddedJoin(groupId, members, now);
    if (group == null) {
      GroupTables.insertGroup(s, groupId, joining.assignor(), now);
    } else if (group.assignor() != joining.assignor()) {
      List<String> live =
          members.stream().filter(m -> m.isLive(now)).map(MemberRow::memberId).toList();
      if (!live.isEmpty()) {
        throw new InconsistentAssignorException(
            "group '"
                + groupId
                + "' uses the "
                + group.assignor().configValue()
                + " assignor and has live members "
                + live
                + "; this member asked for "
                + joining.assignor().configValue()
                + ". Every member of a group must use the same assignor",
            groupId,
            joining.assignor(),
            group.assignor());
      }
      GroupTables.updateGroup(s, groupId, group.generation(), joining.assignor(), now);
    }
    MemberRow predecessor = null;
    if (joining.instanceId() != null) {
      for (MemberRow member : members) {
        if (joining.instanceId().equals(member.instanceId())) {
          predecessor = member;
        }
      }
    }
    if (predecessor != null) {
      GroupTables.replaceMember(s, predecessor, joining.row(now));
    } else {
      GroupTables.insertMember(s, joining.row(now));
    }
    List<LocalMember> all = new ArrayList<>(locals);
    all.add(joining);
    return sync(tx, groupId, all, nowNanos);
  }

  /** Removes a member and its leases, then syncs the rest of the group. */
  static Map<LocalMember, MemberView> leave(
      StepContext tx, LocalMember leaving, List<LocalMember> locals, long nowNanos)
      throws SQLException {
    GroupTables.removeMember(tx.statements(), leaving.groupId(), leaving.memberId());
    return sync(tx, leaving.groupId(), locals, nowNanos);
  }

  /** Frees leases a member gave up, then syncs the group. */
  static Map<LocalMember, MemberView> release(
      StepContext tx,
      LocalMember member,
      Collection<TopicPartition> partitions,
      List<LocalMember> locals,
      long nowNanos)
      throws SQLException {
    StatementCache s = tx.statements();
    for (TopicPartition partition : partitions) {
      TopicRow topic = GroupTables.topic(s, partition.topic());
      if (topic != null) {
        GroupTables.release(
            s, member.groupId(), member.memberId(), topic.id(), partition.partition());
      }
    }
    return sync(tx, member.groupId(), locals, nowNanos);
  }

  /** Heartbeats, expires, rebalances and grants; returns the local members' views. */
  static Map<LocalMember, MemberView> sync(
      StepContext tx, String groupId, List<LocalMember> locals, long nowNanos) throws SQLException {
    StatementCache s = tx.statements();
    long now = tx.nowMs();
    for (LocalMember member : locals) {
      if (!member.isPollOverdue(nowNanos)) {
        GroupTables.heartbeat(s, groupId, member.memberId(), now);
      }
    }
    Map<LocalMember, MemberView> views = new LinkedHashMap<>();
    GroupRow group = GroupTables.group(s, groupId);
    if (group == null) {
      for (LocalMember member : locals) {
        views.put(member, new MemberView(-1, MemberView.Status.EXPIRED, Map.of(), Set.of()));
      }
      return views;
    }
    List<MemberRow> live = new ArrayList<>();
    for (MemberRow member : GroupTables.members(s, groupId)) {
      if (member.isWire() && member.isLive(now)) {
        continue; // its coordinator assigns it, not this library
      }
      if (member.isLive(now)) {
        live.add(member);
      } else {
        GroupTables.removeMember(s, groupId, member.memberId());
      }
    }
    List<TopicRow> topics = GroupTables.topics(s);
    long generation = rebalance(s, group, live, topics, now);
    Set<String> liveIds = new HashSet<>();
    Set<String> liveInstances = new HashSet<>();
    for (MemberRow member : live) {
      liveIds.add(member.memberId());
      if (member.instanceId() != null) {
        liveInstances.add(member.instanceId());
      }
    }
    for (LocalMember member : locals) {
      if (liveIds.contains(member.memberId())) {
        GroupTables.grant(s, groupId, member.memberId(), generation);
      }
    }
    Map<Long, String> names = new HashMap<>();
    topics.forEach(t -> names.put(t.id(), t.name()));
    List<LeaseRow> leases = GroupTables.leases(s, groupId);
    for (LocalMember member : locals) {
      MemberView.Status status =
          liveIds.contains(member.memberId())
              ? MemberView.Status.MEMBER
              : member.instanceId() != null && liveInstances.contains(member.instanceId())
                  ? MemberView.Status.REPLACED
                  : MemberView.Status.EXPIRED;
      Map<TopicPartition, Long> owned = new HashMap<>();
      Set<TopicPartition> assigned = new HashSet<>();
      for (LeaseRow lease : leases) {
        String topic = names.get(lease.topicId());
        if (topic == null) {
          continue;
        }
        TopicPartition partition = new TopicPartition(topic, lease.partition());
        if (member.memberId().equals(lease.owner())) {
          owned.put(partition, lease.ownerGeneration());
        }
        if (member.memberId().equals(lease.target())) {
          assigned.add(partition);
        }
      }
      views.put(member, new MemberView(generation, status, owned, assigned));
    }
    return views;
  }

  /**
   * Computes the assignment of the live members' subscribed partitions and writes what changed;
   * returns the group's generation, one higher when anything changed.
   */
  private static long rebalance(
      StatementCache s, GroupRow group, List<MemberRow> live, List<TopicRow> topics, long now)
      throws SQLException {
    String groupId = group.groupId();
    List<MemberRow> sorted = new ArrayList<>(live);
    sorted.sort(Comparator.comparing(MemberRow::sortKey));
    List<String> memberIds = sorted.stream().map(MemberRow::memberId).toList();
    Map<String, Set<String>> subscribed = new HashMap<>();
    SortedMap<String, Integer> partitionCounts = new TreeMap<>();
    Map<String, TopicRow> byName = new HashMap<>();
    Map<Long, TopicRow> byId = new HashMap<>();
    for (TopicRow topic : topics) {
      byName.put(topic.name(), topic);
      byId.put(topic.id(), topic);
    }
    for (MemberRow member : sorted) {
      Set<String> names = new HashSet<>();
      for (TopicRow topic : topics) {
        if (member.subscription().matches(topic.name())) {
          names.add(topic.name());
          partitionCounts.put(topic.name(), topic.partitions());
        }
      }
      subscribed.put(member.memberId(), names);
    }
    Set<String> liveIds = new HashSet<>(memberIds);
    Map<TopicPartition, LeaseRow> leases = new HashMap<>();
    Map<TopicPartition, String> previous = new HashMap<>();
    for (LeaseRow lease : GroupTables.leases(s, groupId)) {
      TopicRow topic = byId.get(lease.topicId());
      if (topic == null) {
        continue;
      }
      TopicPartition partition = new TopicPartition(topic.name(), lease.partition());
      leases.put(partition, lease);
      if (lease.target() != null && liveIds.contains(lease.target())) {
        previous.put(partition, lease.target());
      }
    }
    Map<TopicPartition, String> targets =
        memberIds.isEmpty()
            ? Map.of()
            : PartitionAssignor.of(group.assignor())
                .assign(memberIds, subscribed, partitionCounts, previous);
    boolean changed = false;
    for (Map.Entry<TopicPartition, String> target : targets.entrySet()) {
      LeaseRow lease = leases.get(target.getKey());
      if (lease == null || !target.getValue().equals(lease.target())) {
        TopicRow topic = byName.get(target.getKey().topic());
        GroupTables.setTarget(
            s, groupId, topic.id(), target.getKey().partition(), target.getValue());
        changed = true;
      }
    }
    for (Map.Entry<TopicPartition, LeaseRow> lease : leases.entrySet()) {
      if (lease.getValue().target() != null && !targets.containsKey(lease.getKey())) {
        GroupTables.setTarget(
            s, groupId, lease.getValue().topicId(), lease.getKey().partition(), null);
        changed = true;
      }
    }
    if (!changed) {
      return group.generation();
    }
    long generation = group.generation() + 1;
    GroupTables.updateGroup(s, groupId, generation, group.assignor(), now);
    GroupTables.dropIdleLeases(s, groupId);
    return generation;
  }
}
