package dev.onelog.internal.kafka.group;

import dev.onelog.group.WireMember;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The coordinator of every wire group (Kafka's classic group protocol: JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup), kept in memory: a server restart forgets the members, which rejoin (their
 * next request gets UNKNOWN_MEMBER_ID), while the groups' offsets are in the file. See {@link
 * ClassicGroup} for the states.
 *
 * <p>No request waits on a thread: a JoinGroup or SyncGroup that must wait for other members
 * returns a future that a later request, or the timer's tick, completes. Deadlines (session
 * timeouts, the end of a rebalance's join phase, a late SyncGroup) are applied by {@link #tick}
 * every {@value #TICK_MILLIS} ms on the server's timer thread, so they are up to that late.
 *
 * <p>Thread-safe: the map is concurrent; each group is guarded by its own monitor, held only while
 * its state changes and never while a future completes ({@link Completions}). A group found DEAD
 * under its monitor has left the map; a join then looks again and creates a new one.
 */
public final class GroupCoordinator implements AutoCloseable {
  /** How often deadlines are applied. */
  public static final long TICK_MILLIS = 100;

  /** The shortest session timeout accepted (Kafka's group.min.session.timeout.ms is 6000). */
  public static final int MIN_SESSION_TIMEOUT_MS = 1_000;

  /** The longest session timeout accepted (Kafka's group.max.session.timeout.ms). */
  public static final int MAX_SESSION_TIMEOUT_MS = 1_800_000;

  private final ConcurrentHashMap<String, ClassicGroup> groups = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private final Supplier<String> newId;

  /** Guarded by this. */
  private ScheduledFuture<?> ticks;

  /**
   * @param nanoTime the clock of deadlines (System::nanoTime outside tests)
   * @param newId the random part of new member ids
   */
  public GroupCoordinator(LongSupplier nanoTime, Supplier<String> newId) {
    this.nanoTime = nanoTime;
    this.newId = newId;
  }

  /** A coordinator on the system clock whose deadlines {@code timer} applies. */
  public static GroupCoordinator start(ScheduledExecutorService timer) {
    GroupCoordinator coordinator =
        new GroupCoordinator(System::nanoTime, () -> UUID.randomUUID().toString());
    synchronized (coordinator) {
      coordinator.ticks =
          timer.scheduleWithFixedDelay(
              coordinator::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
    return coordinator;
  }

  /** Whether the group has members (or ids handed out to members about to join). */
  public boolean isActive(String groupId) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      return false;
    }
    synchronized (group) {
      return group.state() != GroupState.DEAD && group.hasMembers();
    }
  }

  /** Answers a JoinGroup now (errors, MEMBER_ID_REQUIRED) or when the join phase ends. */
  public CompletableFuture<JoinGroupResponseData> join(JoinRequest request) {
    if (request.groupId() == null || request.groupId().isEmpty()) {
      return done(GroupAnswers.joinError(Errors.INVALID_GROUP_ID, request.memberId()));
    }
    if (request.sessionTimeoutMs() < MIN_SESSION_TIMEOUT_MS
        || request.sessionTimeoutMs() > MAX_SESSION_TIMEOUT_MS) {
      return done(GroupAnswers.joinError(Errors.INVALID_SESSION_TIMEOUT, request.memberId()));
    }
    CompletableFuture<JoinGroupResponseData> answer = new CompletableFuture<>();
    Completions done = new Completions();
    boolean newMember = request.memberId().isEmpty();
    while (true) {
      ClassicGroup group =
          newMember
              ? groups.computeIfAbsent(request.groupId(), id -> new ClassicGroup(id, newId))
              : groups.get(request.groupId());
      if (group == null) {
        return done(GroupAnswers.joinError(Errors.UNKNOWN_MEMBER_ID, request.memberId()));
      }
      synchronized (group) {
        if (group.state() == GroupState.DEAD) {
          groups.remove(group.groupId, group);
          if (newMember) {
            continue;
          }
          return done(GroupAnswers.joinError(Errors.UNKNOWN_MEMBER_ID, request.memberId()));
        }
        group.join(request, nanoTime.getAsLong(), answer, done);
        forgetIfDead(group);
      }
      break;
    }
    done.run();
    return answer;
  }

  /** Answers a SyncGroup now (a follower in a stable group, errors) or at the leader's. */
  public CompletableFuture<SyncGroupResponseData> sync(SyncRequest request) {
    ClassicGroup group = groups.get(request.groupId());
    if (group == null) {
      return done(GroupAnswers.syncError(Errors.UNKNOWN_MEMBER_ID));
    }
    CompletableFuture<SyncGroupResponseData> answer = new CompletableFuture<>();
    Completions done = new Completions();
    synchronized (group) {
      group.sync(request, nanoTime.getAsLong(), answer, done);
    }
    done.run();
    return answer;
  }

  public Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    synchronized (group) {
      return group.heartbeat(memberId, instanceId, generation, nanoTime.getAsLong());
    }
  }

  /** A leaving member: its member id, or "" for a static member named by its instance id. */
  public record Leaving(String memberId, String instanceId) {}

  /** Removes the members that leave; one error per member, in order. */
  public List<Errors> leave(String groupId, List<Leaving> leaving) {
    List<Errors> errors = new ArrayList<>();
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      leaving.forEach(m -> errors.add(Errors.UNKNOWN_MEMBER_ID));
      return errors;
    }
    Completions done = new Completions();
    synchronized (group) {
      for (Leaving member : leaving) {
        errors.add(group.leave(member.memberId(), member.instanceId(), nanoTime.getAsLong(), done));
      }
      forgetIfDead(group);
    }
    done.run();
    return errors;
  }

  /**
   * Whether an OffsetCommit of this member in this generation may be stored; see {@link
   * ClassicGroup#checkCommit}. Checked before the commit is written, not while: a rebalance that
   * starts during the write does not undo it, as a commit that came just before it would not be.
   */
  public Errors checkCommit(String groupId, String memberId, String instanceId, int generation) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      // No members: a consumer that assigns itself partitions, or a member from before a restart.
      return generation < 0 && memberId.isEmpty() ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }
    synchronized (group) {
      return group.checkCommit(memberId, instanceId, generation, nanoTime.getAsLong());
    }
  }

  /** A group listed: its id, protocol type and state. */
  public record Listing(String groupId, String protocolType, GroupState state) {}

  /** The groups with members. */
  public List<Listing> list() {
    List<Listing> out = new ArrayList<>();
    for (ClassicGroup group : groups.values()) {
      synchronized (group) {
        if (group.state() != GroupState.DEAD) {
          out.add(
              new Listing(
                  group.groupId,
                  group.protocolType() == null ? "" : group.protocolType(),
                  group.state()));
        }
      }
    }
    return out;
  }

  /** The group as DescribeGroups shows it, or empty when it has no members here. */
  public Optional<DescribedGroup> describe(String groupId) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      return Optional.empty();
    }
    synchronized (group) {
      if (group.state() == GroupState.DEAD) {
        return Optional.empty();
      }
      boolean chosen =
          group.state() == GroupState.STABLE || group.state() == GroupState.COMPLETING_REBALANCE;
      DescribedGroup out =
          new DescribedGroup()
              .setGroupId(groupId)
              .setGroupState(group.state().kafkaName())
              .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
              .setProtocolData(chosen ? group.protocolName() : "");
      for (Member member : group.members()) {
        byte[] metadata = chosen ? member.protocols.get(group.protocolName()) : null;
        out.members()
            .add(
                new DescribedGroupMember()
                    .setMemberId(member.memberId)
                    .setGroupInstanceId(member.instanceId)
                    .setClientId(member.clientId)
                    .setClientHost(member.clientHost)
                    .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                    .setMemberAssignment(member.assignment));
      }
      return Optional.of(out);
    }
  }

  /**
   * Every group's members as the file records them ({@link dev.onelog.group.WireMember}), groups
   * without members included (with none), each member's session timeout lengthened by {@code
   * slack}: the time its row may wait for the next refresh.
   */
  public Map<String, List<WireMember>> wireMembers(Duration slack) {
    Map<String, List<WireMember>> out = new HashMap<>();
    for (ClassicGroup group : groups.values()) {
      synchronized (group) {
        if (group.state() == GroupState.DEAD) {
          continue;
        }
        List<WireMember> members = new ArrayList<>();
        for (Member member : group.members()) {
          members.add(
              new WireMember(
                  member.memberId,
                  member.instanceId,
                  member.clientId + "@" + member.clientHost,
                  subscribedTopics(group, member),
                  Duration.ofMillis(member.sessionTimeoutMs).plus(slack)));
        }
        out.put(group.groupId, members);
      }
    }
    return out;
  }

  /** The topics a consumer subscribes to, from its metadata; none for other protocol types. */
  private static List<String> subscribedTopics(ClassicGroup group, Member member) {
    if (!"consumer".equals(group.protocolType()) || member.protocols.isEmpty()) {
      return List.of();
    }
    byte[] metadata =
        group.protocolName() != null && member.protocols.containsKey(group.protocolName())
            ? member.protocols.get(group.protocolName())
            : member.protocols.values().iterator().next();
    try {
      return ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics();
    } catch (RuntimeException e) {
      return List.of(); // metadata the client made up; the group works without knowing it
    }
  }

  /**
   * What the members of a group with members sent in JoinGroup: the protocol type and each member's
   * metadata for the chosen protocol (its first one while none is chosen).
   */
  public record MembersMetadata(String protocolType, List<byte[]> metadata) {}

  /** The members' metadata, or empty when the group has no members here. */
  public Optional<MembersMetadata> membersMetadata(String groupId) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      return Optional.empty();
    }
    synchronized (group) {
      if (group.state() == GroupState.DEAD || !group.hasMembers()) {
        return Optional.empty();
      }
      List<byte[]> metadata = new ArrayList<>();
      for (Member member : group.members()) {
        byte[] chosen =
            group.protocolName() == null ? null : member.protocols.get(group.protocolName());
        metadata.add(chosen != null ? chosen : member.protocols.values().iterator().next());
      }
      return Optional.of(new MembersMetadata(String.valueOf(group.protocolType()), metadata));
    }
  }

  /**
   * Forgets a group about to be deleted from the file: NONE when it has no members here (it is then
   * DEAD, and a join meanwhile starts a new group), NON_EMPTY_GROUP when it has.
   */
  public Errors forget(String groupId) {
    ClassicGroup group = groups.get(groupId);
    if (group == null) {
      return Errors.NONE;
    }
    synchronized (group) {
      if (group.state() != GroupState.DEAD && group.hasMembers()) {
        return Errors.NON_EMPTY_GROUP;
      }
      // Nothing waits in a group without members: no answer to give.
      group.kill(Errors.COORDINATOR_NOT_AVAILABLE, new Completions());
      forgetIfDead(group);
      return Errors.NONE;
    }
  }

  /** Applies the deadlines that have passed; on the timer thread, or a test's. */
  public void tick() {
    long now = nanoTime.getAsLong();
    for (ClassicGroup group : groups.values()) {
      Completions done = new Completions();
      synchronized (group) {
        group.expire(now, done);
        forgetIfDead(group);
      }
      done.run();
    }
  }

  /** Stops the ticks; members waiting for answers get COORDINATOR_NOT_AVAILABLE. */
  @Override
  public void close() {
    synchronized (this) {
      if (ticks != null) {
        ticks.cancel(false);
      }
    }
    for (ClassicGroup group : groups.values()) {
      Completions done = new Completions();
      synchronized (group) {
        group.kill(Errors.COORDINATOR_NOT_AVAILABLE, done);
        forgetIfDead(group);
      }
      done.run();
    }
  }

  /** Under the group's monitor. */
  private void forgetIfDead(ClassicGroup group) {
    if (group.state() == GroupState.DEAD) {
      groups.remove(group.groupId, group);
    }
  }

  /** A JoinGroup answer with {@code error}. */
  public static JoinGroupResponseData joinError(Errors error, String memberId) {
    return GroupAnswers.joinError(error, memberId);
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
