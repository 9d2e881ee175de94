package dev.onelog.internal.kafka.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * One wire group's membership, as Kafka's classic group coordinator keeps it: the members, the
 * generation, the leader and the protocol chosen. The server only relays bytes: the leader (a
 * client) reads every member's metadata and assigns partitions itself, so every client-side
 * assignor works (range, round-robin, sticky, cooperative-sticky).
 *
 * <p>The states and their transitions are drawn in {@link GroupState}.
 *
 * <p>A first JoinGroup of v4 and later without an instance id is answered MEMBER_ID_REQUIRED with a
 * new id, kept as pending until that id joins (or its session timeout passes). Heartbeats answer
 * REBALANCE_IN_PROGRESS while PREPARING_REBALANCE, so members rejoin; a member that neither
 * heartbeats nor waits for a JoinGroup or SyncGroup answer is removed after its session timeout.
 * Static members (a {@code group.instance.id}) are found by instance id: a restarted instance takes
 * its old member's place under a new id, and in a stable group without a change of protocols it
 * gets its old assignment without a rebalance (unless it was the leader).
 *
 * <p>Thread-safety: every method must be called holding this object's monitor ({@code synchronized
 * (group)}), which guards every field here and in its {@link Member}s. Methods never complete
 * futures themselves: they add the completions to a {@link Completions}, which the caller runs
 * after releasing the monitor.
 */
final class ClassicGroup {
  final String groupId;

  private GroupState state = GroupState.EMPTY;

  private int generation;
  private String protocolType;
  private String protocolName;
  private String leaderId;
  private final Map<String, Member> members = new LinkedHashMap<>();

  /** Ids handed out with MEMBER_ID_REQUIRED, to the deadline of their first real join. */
  private final Map<String, Long> pending = new HashMap<>();

  /** Static members: instance id to member id. */
  private final Map<String, String> instances = new HashMap<>();

  /** PREPARING_REBALANCE: when the join phase ends for members that have not rejoined. */
  private long joinDeadlineNanos;

  /** COMPLETING_REBALANCE: when members that have not sent SyncGroup are removed. */
  private long syncDeadlineNanos;

  private final Supplier<String> newId;

  ClassicGroup(String groupId, Supplier<String> newId) {
    this.groupId = groupId;
    this.newId = newId;
  }

  GroupState state() {
    return state;
  }

  int generation() {
    return generation;
  }

  String protocolType() {
    return protocolType;
  }

  String protocolName() {
    return protocolName;
  }

  String leaderId() {
    return leaderId;
  }

  List<Member> members() {
    return List.copyOf(members.values());
  }

  boolean hasMembers() {
    return !members.isEmpty() || !pending.isEmpty();
  }

  /** Marks the group deleted: every waiting answer gets {@code error}. */
  void kill(Errors error, Completions done) {
    for (Member member : members.values()) {
      GroupAnswers.failWaiting(member, error, done);
    }
    members.clear();
    pending.clear();
    instances.clear();
    state = GroupState.DEAD;
  }

  // ---- JoinGroup

  void join(
      JoinRequest request,
      long nowNanos,
      CompletableFuture<JoinGroupResponseData> answer,
      Completions done) {
    if (!ProtocolVote.accepts(request, protocolType, members.values())) {
      done.complete(
          answer, GroupAnswers.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId()));
      return;
    }
    if (request.memberId().isEmpty()) {
      if (request.instanceId() != null) {
        joinStatic(request, nowNanos, answer, done);
      } else if (request.requireKnownMemberId()) {
        String id = request.clientId() + "-" + newId.get();
        pending.put(id, nowNanos + request.sessionTimeoutMs() * 1_000_000L);
        done.complete(answer, GroupAnswers.joinError(Errors.MEMBER_ID_REQUIRED, id));
      } else {
        addAndRebalance(request, request.clientId() + "-" + newId.get(), nowNanos, answer, done);
      }
      return;
    }
    if (pending.remove(request.memberId()) != null) {
      addAndRebalance(request, request.memberId(), nowNanos, answer, done);
      return;
    }
    Member member = members.get(request.memberId());
    if (member == null) {
      done.complete(answer, GroupAnswers.joinError(Errors.UNKNOWN_MEMBER_ID, request.memberId()));
      return;
    }
    if (!member.sameInstance(request.instanceId())) {
      done.complete(answer, GroupAnswers.joinError(Errors.FENCED_INSTANCE_ID, request.memberId()));
      return;
    }
    boolean unchanged = member.sameProtocols(request.protocols());
    switch (state) {
      case PREPARING_REBALANCE -> updateAndRebalance(member, request, nowNanos, answer, done);
      case COMPLETING_REBALANCE -> {
        if (unchanged) {
          // A retried join of this generation: the same answer again.
          done.complete(answer, GroupAnswers.join(this, member));
        } else {
          updateAndRebalance(member, request, nowNanos, answer, done);
        }
      }
      case STABLE -> {
        if (unchanged && !member.memberId.equals(leaderId)) {
          done.complete(answer, GroupAnswers.join(this, member));
        } else {
          // The leader rejoins when it sees a change in metadata (new partitions): rebalance.
          updateAndRebalance(member, request, nowNanos, answer, done);
        }
      }
      default ->
          done.complete(
              answer, GroupAnswers.joinError(Errors.UNKNOWN_MEMBER_ID, request.memberId()));
    }
  }

  private void joinStatic(
      JoinRequest request,
      long nowNanos,
      CompletableFuture<JoinGroupResponseData> answer,
      Completions done) {
    String newMemberId = request.instanceId() + "-" + newId.get();
    String oldId = instances.get(request.instanceId());
    Member old = oldId == null ? null : members.get(oldId);
    if (old == null) {
      addAndRebalance(request, newMemberId, nowNanos, answer, done);
      return;
    }
    // A restarted instance: the old member is fenced, the new one takes its place.
    GroupAnswers.failWaiting(old, Errors.FENCED_INSTANCE_ID, done);
    members.remove(oldId);
    Member next = old.replacedBy(newMemberId, request.clientId(), request.clientHost());
    members.put(newMemberId, next);
    instances.put(request.instanceId(), newMemberId);
    boolean wasLeader = oldId.equals(leaderId);
    if (wasLeader) {
      leaderId = newMemberId;
    }
    next.heartbeat(nowNanos);
    if (state == GroupState.STABLE && !wasLeader && next.sameProtocols(request.protocols())) {
      done.complete(answer, GroupAnswers.join(this, next));
    } else {
      updateAndRebalance(next, request, nowNanos, answer, done);
    }
  }

  private void addAndRebalance(
      JoinRequest request,
      String memberId,
      long nowNanos,
      CompletableFuture<JoinGroupResponseData> answer,
      Completions done) {
    Member member =
        new Member(
            memberId,
            request.instanceId(),
            request.clientId(),
            request.clientHost(),
            request.sessionTimeoutMs(),
            request.rebalanceTimeoutMs(),
            request.protocols());
    member.awaitingJoin = answer;
    member.heartbeat(nowNanos);
    if (members.isEmpty()) {
      protocolType = request.protocolType();
    }
    members.put(memberId, member);
    if (member.isStatic()) {
      instances.put(member.instanceId, memberId);
    }
    if (leaderId == null) {
      leaderId = memberId;
    }
    rebalanceOrTryCompleteJoin(nowNanos, done);
  }

  private void updateAndRebalance(
      Member member,
      JoinRequest request,
      long nowNanos,
      CompletableFuture<JoinGroupResponseData> answer,
      Completions done) {
    if (member.awaitingJoin != null && member.awaitingJoin != answer) {
      // The client gave up on its earlier join (a request timeout) and sent this one.
      done.complete(
          member.awaitingJoin,
          GroupAnswers.joinError(Errors.REBALANCE_IN_PROGRESS, member.memberId));
    }
    member.protocols = new LinkedHashMap<>(request.protocols());
    member.sessionTimeoutMs = request.sessionTimeoutMs();
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
    member.awaitingJoin = answer;
    member.heartbeat(nowNanos);
    rebalanceOrTryCompleteJoin(nowNanos, done);
  }

  private void rebalanceOrTryCompleteJoin(long nowNanos, Completions done) {
    if (state == GroupState.PREPARING_REBALANCE) {
      tryCompleteJoin(nowNanos, done);
    } else {
      prepareRebalance(nowNanos, done);
    }
  }

  /** To PREPARING_REBALANCE: members waiting for their assignment are told to rejoin. */
  private void prepareRebalance(long nowNanos, Completions done) {
    if (state == GroupState.COMPLETING_REBALANCE) {
      for (Member member : members.values()) {
        if (member.awaitingSync != null) {
          done.complete(member.awaitingSync, GroupAnswers.syncError(Errors.REBALANCE_IN_PROGRESS));
          member.awaitingSync = null;
        }
      }
    }
    for (Member member : members.values()) {
      member.assignment = new byte[0];
    }
    state = GroupState.PREPARING_REBALANCE;
    joinDeadlineNanos = nowNanos + maxRebalanceTimeoutMs() * 1_000_000L;
    tryCompleteJoin(nowNanos, done);
  }

  private long maxRebalanceTimeoutMs() {
    long max = 0;
    for (Member member : members.values()) {
      max = Math.max(max, member.rebalanceTimeoutMs);
    }
    return max;
  }

  private void tryCompleteJoin(long nowNanos, Completions done) {
    if (state != GroupState.PREPARING_REBALANCE || !pending.isEmpty()) {
      return;
    }
    for (Member member : members.values()) {
      if (member.awaitingJoin == null) {
        return;
      }
    }
    completeJoin(nowNanos, done);
  }

  /**
   * Ends the join phase: members that did not rejoin are removed; then the next generation, with a
   * protocol every member supports, or EMPTY (and DEAD) when no member is left.
   */
  private void completeJoin(long nowNanos, Completions done) {
    for (Member member : List.copyOf(members.values())) {
      if (member.awaitingJoin == null) {
        remove(member);
      }
    }
    pending.clear();
    generation++;
    if (members.isEmpty()) {
      // EMPTY, and forgotten at once: the next join starts a new group. Its offsets are in the
      // file, and a late request of a removed member finds no member either way.
      state = GroupState.DEAD;
      return;
    }
    if (leaderId == null || !members.containsKey(leaderId)) {
      leaderId = members.keySet().iterator().next();
    }
    protocolName = ProtocolVote.select(members.values());
    state = GroupState.COMPLETING_REBALANCE;
    syncDeadlineNanos = nowNanos + maxRebalanceTimeoutMs() * 1_000_000L;
    for (Member member : members.values()) {
      done.complete(member.awaitingJoin, GroupAnswers.join(this, member));
      member.awaitingJoin = null;
      member.heartbeat(nowNanos);
    }
  }

  // ---- SyncGroup

  void sync(
      SyncRequest request,
      long nowNanos,
      CompletableFuture<SyncGroupResponseData> answer,
      Completions done) {
    Errors error = check(request.memberId(), request.instanceId(), request.generation());
    if (error == Errors.NONE
        && ((request.protocolType() != null && !request.protocolType().equals(protocolType))
            || (request.protocolName() != null && !request.protocolName().equals(protocolName)))) {
      error = Errors.INCONSISTENT_GROUP_PROTOCOL;
    }
    if (error == Errors.NONE && state == GroupState.PREPARING_REBALANCE) {
      error = Errors.REBALANCE_IN_PROGRESS;
    }
    if (error != Errors.NONE) {
      done.complete(answer, GroupAnswers.syncError(error));
      return;
    }
    Member member = members.get(request.memberId());
    member.heartbeat(nowNanos);
    if (state == GroupState.STABLE) {
      done.complete(answer, GroupAnswers.sync(this, member));
      return;
    }
    member.awaitingSync = answer;
    if (member.memberId.equals(leaderId)) {
      for (Member m : members.values()) {
        m.assignment = request.assignments().getOrDefault(m.memberId, new byte[0]);
      }
      state = GroupState.STABLE;
      for (Member m : members.values()) {
        if (m.awaitingSync != null) {
          done.complete(m.awaitingSync, GroupAnswers.sync(this, m));
          m.awaitingSync = null;
        }
      }
    }
  }

  // ---- Heartbeat, OffsetCommit's check

  Errors heartbeat(String memberId, String instanceId, int generation, long nowNanos) {
    Errors error = check(memberId, instanceId, generation);
    if (error != Errors.NONE) {
      return error;
    }
    members.get(memberId).heartbeat(nowNanos);
    return state == GroupState.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
  }

  /**
   * Whether a member may commit offsets now: a commit without a member and generation (a consumer
   * that assigns its partitions itself) only while the group has no members; a member's only in its
   * generation and not while the leader assigns. A valid commit counts as a heartbeat.
   */
  Errors checkCommit(String memberId, String instanceId, int generation, long nowNanos) {
    if (generation < 0 && memberId.isEmpty()) {
      return hasMembers() ? Errors.UNKNOWN_MEMBER_ID : Errors.NONE;
    }
    if (state == GroupState.COMPLETING_REBALANCE && members.containsKey(memberId)) {
      return Errors.REBALANCE_IN_PROGRESS;
    }
    Errors error = check(memberId, instanceId, generation);
    if (error == Errors.NONE) {
      members.get(memberId).heartbeat(nowNanos);
    }
    return error;
  }

  private Errors check(String memberId, String instanceId, int generation) {
    if (state == GroupState.DEAD || state == GroupState.EMPTY) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (instanceId != null) {
      String current = instances.get(instanceId);
      if (current != null && !current.equals(memberId)) {
        return Errors.FENCED_INSTANCE_ID;
      }
    }
    Member member = members.get(memberId);
    if (member == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (generation != this.generation) {
      return Errors.ILLEGAL_GENERATION;
    }
    return Errors.NONE;
  }

  // ---- LeaveGroup, expiry

  /** Removes a member that leaves, found by member id or, for a static member, instance id. */
  Errors leave(String memberId, String instanceId, long nowNanos, Completions done) {
    if (instanceId != null) {
      String current = instances.get(instanceId);
      if (current == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      if (!memberId.isEmpty() && !memberId.equals(current)) {
        return Errors.FENCED_INSTANCE_ID;
      }
      memberId = current;
    }
    if (pending.remove(memberId) != null) {
      tryCompleteJoin(nowNanos, done);
      return Errors.NONE;
    }
    Member member = members.get(memberId);
    if (member == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    removeAndRebalance(member, nowNanos, done);
    return Errors.NONE;
  }

  /**
   * Applies the deadlines passed by {@code nowNanos}: expired sessions and pending ids, the end of
   * the join phase, members that did not sync in time.
   */
  void expire(long nowNanos, Completions done) {
    for (Member member : List.copyOf(members.values())) {
      if (state != GroupState.DEAD && member.sessionExpired(nowNanos)) {
        removeAndRebalance(member, nowNanos, done);
      }
    }
    if (pending.values().removeIf(deadline -> nowNanos - deadline > 0)) {
      tryCompleteJoin(nowNanos, done);
    }
    if (state == GroupState.PREPARING_REBALANCE && nowNanos - joinDeadlineNanos > 0) {
      completeJoin(nowNanos, done);
    } else if (state == GroupState.COMPLETING_REBALANCE && nowNanos - syncDeadlineNanos > 0) {
      List<Member> late = new ArrayList<>();
      for (Member member : members.values()) {
        if (member.awaitingSync == null) {
          late.add(member);
        }
      }
      for (Member member : late) {
        removeAndRebalance(member, nowNanos, done);
      }
    }
    if (state == GroupState.EMPTY && !hasMembers()) {
      state = GroupState.DEAD; // created by a first join whose member never came back
    }
  }

  private void removeAndRebalance(Member member, long nowNanos, Completions done) {
    GroupAnswers.failWaiting(member, Errors.UNKNOWN_MEMBER_ID, done);
    remove(member);
    switch (state) {
      case STABLE, COMPLETING_REBALANCE -> prepareRebalance(nowNanos, done);
      case PREPARING_REBALANCE -> tryCompleteJoin(nowNanos, done);
      default -> {}
    }
  }

  private void remove(Member member) {
    members.remove(member.memberId);
    if (member.isStatic() && member.memberId.equals(instances.get(member.instanceId))) {
      instances.remove(member.instanceId);
    }
    if (member.memberId.equals(leaderId)) {
      leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
    }
  }
}
