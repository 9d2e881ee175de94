package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.write.Maintenance;
import dev.onelog.internal.write.StepContext;
import dev.onelog.internal.write.Writer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group members of one open log, and the writer work that keeps them in their groups: one
 * heartbeat task for all of them (a {@link Maintenance} task that the writer runs inside its group
 * commit when it is busy and on its own when idle, every heartbeat interval), and the join, sync,
 * release, leave and commit steps their poll threads ask for. The protocol itself is {@link
 * GroupSync}. After each committed step, the members' new {@link MemberView}s are published and the
 * log's commit signal wakes their polls.
 *
 * <p>One per log ({@code LogContext.layer}). Thread-safe: {@code members} is concurrent; {@code
 * nextHeartbeatNanos} is volatile, written by the writer thread.
 */
public final class GroupCoordinator implements Maintenance, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

  private final LogContext context;
  private final Set<LocalMember> members = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean syncQueued = new AtomicBoolean();

  /**
   * Requested syncs are at least this far apart: a member waiting for a partition while another
   * process appends would otherwise ask for one at every look at the file (every few ms), each a
   * write transaction with its fsync.
   */
  static final long MIN_REQUESTED_SYNC_INTERVAL_NANOS = 50_000_000L;

  /** When the last requested sync was queued; written under syncQueued's compare-and-set. */
  private volatile long lastRequestedSyncNanos =
      System.nanoTime() - MIN_REQUESTED_SYNC_INTERVAL_NANOS;

  private volatile long nextHeartbeatNanos = Long.MAX_VALUE;

  /** Guarded by this. */
  private boolean scheduled;

  private GroupCoordinator(LogContext context) {
    this.context = context;
  }

  public static GroupCoordinator of(LogContext context) {
    return context.layer(GroupCoordinator.class, GroupCoordinator::new);
  }

  /**
   * Adds a member to its group and waits until it is in, with its first view published.
   *
   * @throws dev.onelog.group.InconsistentAssignorException when the group's live members use
   *     another assignor
   */
  public void join(LocalMember member) {
    Writer writer = context.writer();
    synchronized (this) {
      if (!scheduled) {
        scheduled = true;
        writer.schedule(this);
      }
    }
    LogContext.await(
        writer.submit(
            tx -> {
              publishAfterCommit(
                  tx, GroupSync.join(tx, member, localsOf(member.groupId()), System.nanoTime()));
              tx.afterCommit(() -> members.add(member));
              return null;
            },
            "joining group " + member.groupId()));
    long due = System.nanoTime() + member.heartbeatIntervalMs() * 1_000_000L;
    if (nextHeartbeatNanos == Long.MAX_VALUE || due - nextHeartbeatNanos < 0) {
      nextHeartbeatNanos = due;
      writer.wake();
    }
  }

  /** Removes a member from its group (its partitions move at once) and forgets it. */
  public void leave(LocalMember member) {
    members.remove(member);
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  publishAfterCommit(
                      tx,
                      GroupSync.leave(tx, member, localsOf(member.groupId()), System.nanoTime()));
                  return null;
                },
                "leaving group " + member.groupId()));
  }

  /**
   * Forgets a member without leaving its group: a static member keeps its partitions until its
   * session expires or it comes back.
   */
  public void forget(LocalMember member) {
    members.remove(member);
  }

  /** Frees leases a member gave up, after its revocation callback, and waits for the commit. */
  public void release(LocalMember member, Collection<TopicPartition> partitions) {
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  publishAfterCommit(
                      tx,
                      GroupSync.release(
                          tx,
                          member,
                          List.copyOf(partitions),
                          localsOf(member.groupId()),
                          System.nanoTime()));
                  return null;
                },
                "releasing " + partitions + " of group " + member.groupId()));
  }

  /**
   * Asks for a sync of every local member soon, without waiting: when another process changed a
   * group, or a member waits for a partition another one is letting go. At most one is queued, and
   * they are at least 50 ms apart.
   */
  public void requestSync() {
    if (System.nanoTime() - lastRequestedSyncNanos < MIN_REQUESTED_SYNC_INTERVAL_NANOS
        || !syncQueued.compareAndSet(false, true)) {
      return;
    }
    lastRequestedSyncNanos = System.nanoTime();
    try {
      context
          .writer()
          .submit(
              tx -> {
                syncQueued.set(false);
                syncAll(tx);
                return null;
              },
              "syncing group members")
          .whenComplete(
              (ignored, failure) -> {
                syncQueued.set(false);
                if (failure != null && !context.isClosed()) {
                  log.warn("syncing group members of {} failed", context.options().path(), failure);
                }
              });
    } catch (RuntimeException e) {
      syncQueued.set(false);
      throw e;
    }
  }

  /** Commits a member's offsets in a step of their own; fenced (see {@link OffsetCommits}). */
  public CompletableFuture<Void> commit(
      LocalMember member, long generation, Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
    return context
        .writer()
        .submit(
            tx -> {
              OffsetCommits.commit(tx, member.groupId(), member.memberId(), generation, copy);
              return null;
            },
            "committing offsets " + copy + " of group " + member.groupId());
  }

  // ---- Maintenance: the heartbeat of every local member ----

  @Override
  public long dueAtNanos() {
    return members.isEmpty() ? Long.MAX_VALUE : nextHeartbeatNanos;
  }

  @Override
  public void run(StepContext tx) throws SQLException {
    long interval = Long.MAX_VALUE;
    for (LocalMember member : members) {
      interval = Math.min(interval, member.heartbeatIntervalMs());
    }
    nextHeartbeatNanos =
        interval == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + interval * 1_000_000L;
    syncAll(tx);
  }

  @Override
  public void failed(RuntimeException cause) {
    if (!context.isClosed()) {
      log.warn("group heartbeat on {} failed; retrying", context.options().path(), cause);
    }
  }

  @Override
  public String toString() {
    return "group heartbeats";
  }

  private void syncAll(StepContext tx) throws SQLException {
    long now = System.nanoTime();
    for (String groupId : members.stream().map(LocalMember::groupId).distinct().toList()) {
      publishAfterCommit(tx, GroupSync.sync(tx, groupId, localsOf(groupId), now));
    }
  }

  private List<LocalMember> localsOf(String groupId) {
    List<LocalMember> locals = new ArrayList<>();
    for (LocalMember member : members) {
      if (member.groupId().equals(groupId)) {
        locals.add(member);
      }
    }
    return locals;
  }

  private static void publishAfterCommit(StepContext tx, Map<LocalMember, MemberView> views) {
    tx.afterCommit(() -> views.forEach(LocalMember::publish));
  }

  /** Forgets every member: with none, the heartbeat task is never due again. */
  @Override
  public void close() {
    members.clear();
  }
}
