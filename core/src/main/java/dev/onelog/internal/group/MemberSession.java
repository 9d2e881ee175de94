package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import dev.onelog.group.CommitFailedException;
import dev.onelog.group.FencedInstanceException;
import dev.onelog.group.NoOffsetForPartitionException;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.read.PartitionFetcher;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group member's side of the protocol, on its poll thread: joins, and turns each new {@link
 * MemberView} the writer publishes into what the member reads. Partitions it no longer holds are
 * lost; partitions whose assignment moved (or all of them, at a new generation, with an eager
 * assignor) are committed (with auto-commit), revoked through the listener, and released;
 * partitions it now holds and is assigned are positioned at the group's committed offsets (or as
 * the reset policy says) and assigned through the listener, before any of their records is
 * returned. A member whose session expired joins again under a new id.
 *
 * <p>Not thread-safe: the poll thread's. {@link #leave} may run on the log's closing thread.
 */
public final class MemberSession {
  private static final Logger log = LoggerFactory.getLogger(MemberSession.class);

  private final LogContext context;
  private final MemberSettings settings;
  private final GroupCoordinator coordinator;
  private final PartitionFetcher fetcher;

  /** Partitions taken (assigned through the listener) and being fetched. */
  private final Set<TopicPartition> active = new LinkedHashSet<>();

  private LocalMember member;
  private long seenViewVersion = -1;
  private long syncedGeneration = -1;
  private long nextGroupCheckNanos = System.nanoTime();
  private long nextAutoCommitNanos;

  /** How often a member whose polls keep finding records looks at its group in the file. */
  static final long GROUP_CHECK_INTERVAL_NANOS = 50_000_000L;

  public MemberSession(LogContext context, MemberSettings settings, PartitionFetcher fetcher) {
    this.context = context;
    this.settings = settings;
    this.coordinator = GroupCoordinator.of(context);
    this.fetcher = fetcher;
    this.nextAutoCommitNanos = System.nanoTime() + settings.autoCommitIntervalMs() * 1_000_000L;
  }

  /**
   * With auto-commit, at the start of a poll once the interval has passed: commits the positions,
   * which are past the records the previous polls returned, without waiting (at-least-once).
   */
  public void autoCommitIfDue() {
    if (!settings.autoCommits() || System.nanoTime() - nextAutoCommitNanos < 0) {
      return;
    }
    nextAutoCommitNanos = System.nanoTime() + settings.autoCommitIntervalMs() * 1_000_000L;
    Map<TopicPartition, OffsetAndMetadata> positions = positions();
    if (!positions.isEmpty()) {
      commit(positions)
          .whenComplete(
              (ignored, failure) -> {
                if (failure != null && !context.isClosed()) {
                  log.warn("automatic commit of group {} failed", settings.groupId(), failure);
                }
              });
    }
  }

  /** Joins the group under a new member id and waits until it is in. */
  public void join() {
    LocalMember joining =
        new LocalMember(
            settings.groupId(),
            "member-" + UUID.randomUUID(),
            settings.instanceId(),
            Clients.thisProcess(),
            settings.subscription(),
            settings.assignor(),
            settings.sessionTimeoutMs(),
            settings.heartbeatIntervalMs(),
            settings.maxPollIntervalMs());
    coordinator.join(joining);
    member = joining;
    seenViewVersion = -1;
    syncedGeneration = -1;
  }

  public LocalMember member() {
    return member;
  }

  /** The partitions taken, an unmodifiable copy. */
  public Set<TopicPartition> active() {
    return Set.copyOf(active);
  }

  /** Called at each poll: keeps the member from counting as stuck. */
  public void polled() {
    member.polled();
  }

  /**
   * Called at each poll, before {@link #reconcile}: at most every 50 ms, asks for a sync when this
   * member waits for a partition or the group's generation in the file moved (another process's
   * member joined, left or released). A poll that waits notices these through {@link #stopWaiting};
   * this covers a member whose polls always find records and so never wait.
   */
  public void checkGroup() {
    long now = System.nanoTime();
    if (now - nextGroupCheckNanos < 0) {
      return;
    }
    nextGroupCheckNanos = now + GROUP_CHECK_INTERVAL_NANOS;
    MemberView view = member.view();
    if (view.isWaiting()
        || fetcher.read(
                "reading the generation of group " + settings.groupId(),
                s -> GroupQueries.generation(s, settings.groupId()))
            != view.generation()) {
      coordinator.requestSync();
    }
  }

  /**
   * Asked while a poll waits: ends the wait when a new view was published, and asks for a sync when
   * another process committed and this member waits for a partition or the group's generation
   * moved.
   */
  public boolean stopWaiting(StatementCache session, boolean otherCommitted) throws SQLException {
    if (member.viewVersion() != seenViewVersion) {
      return true;
    }
    if (otherCommitted) {
      MemberView view = member.view();
      if (view.isWaiting()
          || GroupQueries.generation(session, settings.groupId()) != view.generation()) {
        coordinator.requestSync();
      }
    }
    return false;
  }

  /**
   * Applies the latest view: loses, revokes, releases and takes partitions.
   *
   * @throws FencedInstanceException when a newer member took over this static member's id
   * @throws NoOffsetForPartitionException with reset policy NONE, for a partition without a usable
   *     committed offset
   */
  public void reconcile() {
    long version = member.viewVersion();
    if (version == seenViewVersion) {
      return;
    }
    seenViewVersion = version;
    MemberView view = member.view();
    if (view.status() != MemberView.Status.MEMBER) {
      lose(Set.copyOf(active));
      coordinator.forget(member);
      if (view.status() == MemberView.Status.REPLACED) {
        throw new FencedInstanceException(
            "a newer member of group '"
                + settings.groupId()
                + "' took over static instance id '"
                + settings.instanceId()
                + "', so this member ("
                + member.memberId()
                + ") was fenced; close it",
            settings.groupId(),
            settings.instanceId());
      }
      log.info("{} was removed from its group (its session expired); joining again", member);
      join();
      return;
    }
    Set<TopicPartition> lost = new LinkedHashSet<>(active);
    lost.removeAll(view.owned().keySet());
    lose(lost);
    boolean eagerRound =
        !settings.assignor().isCooperative() && view.generation() != syncedGeneration;
    Set<TopicPartition> revoke = new LinkedHashSet<>();
    for (TopicPartition partition : active) {
      if (eagerRound || !view.assigned().contains(partition)) {
        revoke.add(partition);
      }
    }
    // Held but never taken, and no longer assigned: let go without telling the listener.
    Set<TopicPartition> stray = new LinkedHashSet<>(view.owned().keySet());
    stray.removeAll(active);
    stray.removeAll(view.assigned());
    if (!revoke.isEmpty() || !stray.isEmpty()) {
      if (!revoke.isEmpty()) {
        if (settings.autoCommits()) {
          commitQuietly(positionsOf(revoke));
        }
        settings.listener().onPartitionsRevoked(Set.copyOf(revoke));
        fetcher.unassign(revoke);
        active.removeAll(revoke);
      }
      Set<TopicPartition> released = new LinkedHashSet<>(revoke);
      released.addAll(stray);
      coordinator.release(member, released);
      seenViewVersion = member.viewVersion();
      view = member.view();
    }
    syncedGeneration = view.generation();
    Set<TopicPartition> taken = new LinkedHashSet<>();
    for (TopicPartition partition : view.owned().keySet()) {
      if (view.assigned().contains(partition) && !active.contains(partition)) {
        taken.add(partition);
      }
    }
    if (!taken.isEmpty()) {
      startPositions(taken).forEach(fetcher::assign);
      active.addAll(taken);
      settings.listener().onPartitionsAssigned(Set.copyOf(taken));
    }
  }

  /**
   * Gives up partitions whose topic was deleted (or deleted and created again) under the member:
   * they are lost, and the next sync takes the group's rows for the topic as they are now.
   */
  public void loseDeletedTopics(Set<TopicPartition> gone) {
    Set<TopicPartition> lost = new LinkedHashSet<>(gone);
    lost.retainAll(active);
    if (!lost.isEmpty()) {
      lose(lost);
      coordinator.requestSync();
    }
  }

  private void lose(Set<TopicPartition> lost) {
    if (lost.isEmpty()) {
      return;
    }
    fetcher.unassign(lost);
    active.removeAll(lost);
    settings.listener().onPartitionsLost(Set.copyOf(lost));
  }

  /** Where each newly taken partition starts: its committed offset, or the reset policy's. */
  private Map<TopicPartition, Long> startPositions(Set<TopicPartition> partitions) {
    return fetcher.read(
        "finding the committed offsets of group " + settings.groupId(),
        session -> {
          Map<TopicPartition, Long> starts = new LinkedHashMap<>();
          for (TopicPartition partition : partitions) {
            starts.put(partition, startPosition(session, partition));
          }
          return starts;
        });
  }

  private long startPosition(StatementCache session, TopicPartition partition) throws SQLException {
    TopicMeta topic = context.partitionTopic(partition, session);
    PartitionReader.PartitionState state =
        PartitionReader.state(session, topic, partition.partition());
    OffsetAndMetadata committed = GroupQueries.committed(session, settings.groupId(), partition);
    long earliest = state.logStartOffset();
    long next = state.nextOffset();
    if (committed != null && committed.offset() >= earliest && committed.offset() <= next) {
      return committed.offset();
    }
    return switch (settings.offsetReset()) {
      case EARLIEST -> earliest;
      case LATEST -> next;
      case NONE ->
          throw new NoOffsetForPartitionException(
              (committed == null
                      ? "group '"
                          + settings.groupId()
                          + "' has no committed offset for "
                          + partition
                      : "the committed offset "
                          + committed.offset()
                          + " of group '"
                          + settings.groupId()
                          + "' is outside the offsets "
                          + earliest
                          + ".."
                          + next
                          + " that "
                          + partition
                          + " holds")
                  + ", and its offset reset policy is NONE; commit an offset for it (onelog"
                  + " groups reset) or choose EARLIEST or LATEST",
              partition,
              committed == null ? -1 : committed.offset(),
              earliest,
              next);
    };
  }

  /** The fetch positions of these partitions, as offsets to commit. */
  public Map<TopicPartition, OffsetAndMetadata> positionsOf(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> positions = new LinkedHashMap<>();
    for (TopicPartition partition : partitions) {
      positions.put(partition, OffsetAndMetadata.of(fetcher.position(partition)));
    }
    return positions;
  }

  /** The positions of every partition taken. */
  public Map<TopicPartition, OffsetAndMetadata> positions() {
    return positionsOf(active);
  }

  /** Commits, fenced; the future fails with {@link CommitFailedException} when fenced. */
  public java.util.concurrent.CompletableFuture<Void> commit(
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    return coordinator.commit(member, member.view().generation(), offsets);
  }

  /** Commits and waits; a fenced commit is logged, not thrown (before revoking, on close). */
  public void commitQuietly(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    try {
      LogContext.await(commit(offsets));
    } catch (CommitFailedException e) {
      log.warn("committing offsets of group {} failed", settings.groupId(), e);
    }
  }

  /**
   * On a clean close, on the poll thread: commits (with auto-commit) and revokes every partition
   * through the listener, while the member still holds them.
   */
  public void revokeAll() {
    if (member.view().status() != MemberView.Status.MEMBER) {
      return;
    }
    if (settings.autoCommits()) {
      commitQuietly(positions());
    }
    if (!active.isEmpty()) {
      settings.listener().onPartitionsRevoked(Set.copyOf(active));
    }
  }

  /**
   * Leaves the group so that the partitions move at once; a static member only forgets, keeping its
   * partitions for its session timeout.
   */
  public void leave() {
    active.clear();
    if (settings.instanceId() != null) {
      coordinator.forget(member);
    } else {
      coordinator.leave(member);
    }
  }
}
