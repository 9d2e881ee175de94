package dev.onelog.group;

import dev.onelog.LogClosedException;
import dev.onelog.LogRecord;
import dev.onelog.TopicPartition;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.group.GroupCoordinator;
import dev.onelog.internal.group.GroupQueries;
import dev.onelog.internal.group.LocalMember;
import dev.onelog.internal.group.MemberView;
import dev.onelog.internal.read.PartitionFetcher;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group: the group's members, in this process and in other processes on the
 * same file, share the partitions of the topics they subscribe to, each partition held by at most
 * one member at a time, and commit their progress to the file. Open one with {@code
 * log.groups().consumer("billing").topics("orders").open()}.
 *
 * <pre>{@code
 * try (GroupConsumer consumer = log.groups().consumer("billing").topics("orders").open()) {
 *   while (running) {
 *     for (LogRecord record : consumer.poll(Duration.ofSeconds(1))) {
 *       process(record);
 *     }
 *     consumer.commitSync();
 *   }
 * }
 * }</pre>
 *
 * <p>Membership lives in the file: the log's writer thread heartbeats every member of this process
 * (default every second); a member whose heartbeats stop for its session timeout (default 10 s),
 * because its process died or it did not poll within its max poll interval, loses its partitions to
 * the others. A member that {@link #close}s leaves at once, and its partitions move within a
 * second. Partitions are handed over through {@link RebalanceListener}: a member's {@code
 * onPartitionsRevoked} runs, on its poll thread, before any other member gets the partitions.
 *
 * <p>Delivery is at-least-once: after a member dies, its partitions are read again from the last
 * committed offsets. Commits are fenced: a member's commit of a partition it no longer holds fails
 * with {@link CommitFailedException}. For exactly-once inside one file, commit through {@link
 * dev.onelog.Transaction#commitOffsets} in the same transaction as the records' effects.
 *
 * <p>Not thread-safe: use a member from one thread. Closing the log closes its members (they leave
 * their groups, without callbacks or commits); a poll running then ends with {@link
 * LogClosedException}.
 */
public final class GroupConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupConsumer.class);

  private final LogContext context;
  private final GroupCoordinator coordinator;
  private final Builder settings;
  private final PartitionFetcher fetcher;
  private final Set<TopicPartition> active = new LinkedHashSet<>();
  private final AutoCloseable logCloseHook = this::abandon;
  private LocalMember member;
  private long seenViewVersion = -1;
  private long syncedGeneration = -1;
  private long nextAutoCommitNanos;
  private volatile boolean closed;

  private GroupConsumer(LogContext context, Builder settings) {
    this.context = context;
    this.settings = settings;
    this.coordinator = GroupCoordinator.of(context);
    this.fetcher = new PartitionFetcher(context, "member of group '" + settings.groupId + "'");
    fetcher.maxPollRecords(settings.maxPollRecords);
    context.attach(logCloseHook);
    try {
      join();
    } catch (RuntimeException e) {
      context.detach(logCloseHook);
      closeFetcher(e);
      throw e;
    }
    nextAutoCommitNanos = System.nanoTime() + settings.autoCommitIntervalMs * 1_000_000L;
  }

  private void join() {
    LocalMember joining =
        new LocalMember(
            settings.groupId,
            "member-" + UUID.randomUUID(),
            settings.instanceId,
            Clients.thisProcess(),
            settings.subscription(),
            settings.assignor,
            settings.sessionTimeout.toMillis(),
            settings.heartbeatInterval.toMillis(),
            settings.maxPollInterval.toMillis());
    coordinator.join(joining);
    member = joining;
    seenViewVersion = -1;
    syncedGeneration = -1;
  }

  public String groupId() {
    return settings.groupId;
  }

  /** This member's id in the group; a new one after its session expired and it joined again. */
  public String memberId() {
    return member.memberId();
  }

  /** Who commits, for {@link dev.onelog.Transaction#commitOffsets}. */
  public ConsumerGroupMetadata groupMetadata() {
    return new ConsumerGroupMetadata(
        settings.groupId, member.memberId(), member.view().generation(), settings.instanceId);
  }

  /**
   * Returns records of the partitions this member holds, waiting up to {@code timeout} for the
   * first one; handles the group's changes first (revoking and assigning partitions through the
   * listener) and commits automatically when auto-commit is on and due.
   *
   * @throws LogClosedException when this member or its log is closed
   * @throws NoOffsetForPartitionException with {@link OffsetReset#NONE}, for a partition without a
   *     usable committed offset
   * @throws FencedInstanceException when a newer member took over this static member's instance id
   */
  public List<LogRecord> poll(Duration timeout) {
    ensureOpen();
    member.polled();
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    maybeAutoCommit();
    while (true) {
      reconcile();
      long remaining = Math.max(0, deadline - System.nanoTime());
      List<LogRecord> records = fetcher.poll(Duration.ofNanos(remaining), this::stopWaiting);
      if (!records.isEmpty() || System.nanoTime() - deadline >= 0) {
        return records;
      }
      member.polled();
    }
  }

  /** Ends a poll's wait when the group changed, and asks for a sync when another process did. */
  private boolean stopWaiting(StatementCache session, boolean otherCommitted) throws SQLException {
    if (member.viewVersion() != seenViewVersion) {
      return true;
    }
    if (otherCommitted) {
      MemberView view = member.view();
      if (view.isWaiting()
          || GroupQueries.generation(session, settings.groupId) != view.generation()) {
        coordinator.requestSync();
      }
    }
    return false;
  }

  /** Applies the latest view: loses, revokes, releases and assigns partitions. */
  private void reconcile() {
    long version = member.viewVersion();
    if (version == seenViewVersion) {
      return;
    }
    seenViewVersion = version;
    MemberView view = member.view();
    if (view.status() != MemberView.Status.MEMBER) {
      lose(Set.copyOf(active));
      if (view.status() == MemberView.Status.REPLACED) {
        closed = true;
        coordinator.forget(member);
        throw new FencedInstanceException(
            "a newer member of group '"
                + settings.groupId
                + "' took over static instance id '"
                + settings.instanceId
                + "', so this member ("
                + member.memberId()
                + ") was fenced; close it",
            settings.groupId,
            settings.instanceId);
      }
      log.info("{} was removed from the group (its session expired); joining again", member);
      coordinator.forget(member);
      join();
      return;
    }
    Set<TopicPartition> lost = new LinkedHashSet<>(active);
    lost.removeAll(view.owned().keySet());
    lose(lost);
    boolean eagerRound =
        !settings.assignor.isCooperative() && view.generation() != syncedGeneration;
    Set<TopicPartition> revoke = new LinkedHashSet<>();
    for (TopicPartition partition : active) {
      if (eagerRound || !view.assigned().contains(partition)) {
        revoke.add(partition);
      }
    }
    Set<TopicPartition> stray = new LinkedHashSet<>(view.owned().keySet());
    stray.removeAll(active);
    stray.removeAll(view.assigned());
    if (!revoke.isEmpty() || !stray.isEmpty()) {
      if (!revoke.isEmpty()) {
        if (settings.autoCommitIntervalMs > 0) {
          commitQuietly(positionsOf(revoke));
        }
        settings.listener.onPartitionsRevoked(Set.copyOf(revoke));
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
    Set<TopicPartition> assigned = new LinkedHashSet<>();
    for (TopicPartition partition : view.owned().keySet()) {
      if (view.assigned().contains(partition) && !active.contains(partition)) {
        assigned.add(partition);
      }
    }
    if (!assigned.isEmpty()) {
      Map<TopicPartition, Long> starts = startPositions(assigned);
      starts.forEach(fetcher::assign);
      active.addAll(assigned);
      settings.listener.onPartitionsAssigned(Set.copyOf(assigned));
    }
  }

  private void lose(Set<TopicPartition> lost) {
    if (lost.isEmpty()) {
      return;
    }
    fetcher.unassign(lost);
    active.removeAll(lost);
    settings.listener.onPartitionsLost(Set.copyOf(lost));
  }

  /** Where each newly held partition starts: its committed offset, or the reset policy's. */
  private Map<TopicPartition, Long> startPositions(Set<TopicPartition> partitions) {
    return fetcher.read(
        "finding the committed offsets of group " + settings.groupId,
        session -> {
          Map<TopicPartition, Long> starts = new LinkedHashMap<>();
          for (TopicPartition partition : partitions) {
            TopicMeta topic = context.partitionTopic(partition, session);
            PartitionReader.PartitionState state =
                PartitionReader.state(session, topic, partition.partition());
            OffsetAndMetadata committed =
                GroupQueries.committed(session, settings.groupId, partition);
            long earliest = state.logStartOffset();
            long next = state.nextOffset();
            if (committed != null && committed.offset() >= earliest && committed.offset() <= next) {
              starts.put(partition, committed.offset());
              continue;
            }
            switch (settings.offsetReset) {
              case EARLIEST -> starts.put(partition, earliest);
              case LATEST -> starts.put(partition, next);
              case NONE ->
                  throw new NoOffsetForPartitionException(
                      (committed == null
                              ? "group '" + settings.groupId + "' has no committed offset for "
                              : "the committed offset "
                                  + committed.offset()
                                  + " of group '"
                                  + settings.groupId
                                  + "' is outside the offsets "
                                  + earliest
                                  + ".."
                                  + next
                                  + " that ")
                          + partition
                          + (committed == null ? "" : " holds")
                          + ", and its offset reset policy is NONE; commit an offset for it"
                          + " (onelog groups reset) or choose EARLIEST or LATEST",
                      partition,
                      committed == null ? -1 : committed.offset(),
                      earliest,
                      next);
            }
          }
          return starts;
        });
  }

  // ---- Commits ----

  /**
   * Commits the current position of every partition this member holds and waits until it is
   * durable.
   *
   * @throws CommitFailedException when the member no longer holds one of them
   */
  public void commitSync() {
    commitSync(positionsOf(active));
  }

  /**
   * Commits the given offsets (the next offset to read in each partition) and waits until they are
   * durable; they commit together or not at all.
   *
   * @throws CommitFailedException when the member no longer holds one of the partitions
   */
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    LogContext.await(commitAsync(offsets));
  }

  /** Commits the current positions without waiting; the future fails as commitSync throws. */
  public CompletableFuture<Void> commitAsync() {
    return commitAsync(positionsOf(active));
  }

  public CompletableFuture<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    ensureOpen();
    if (offsets.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return coordinator.commit(member, member.view().generation(), offsets);
  }

  /** The group's committed offsets of these partitions; absent ones have none. */
  public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    return fetcher.read(
        "reading the committed offsets of group " + settings.groupId,
        session -> {
          Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
          for (TopicPartition partition : partitions) {
            OffsetAndMetadata committed =
                GroupQueries.committed(session, settings.groupId, partition);
            if (committed != null) {
              out.put(partition, committed);
            }
          }
          return out;
        });
  }

  /**
   * How far the group is behind in a partition: its next offset minus the group's committed offset
   * (or minus its earliest offset when nothing is committed).
   */
  public long lag(TopicPartition partition) {
    return fetcher.read(
        "measuring the lag of group " + settings.groupId,
        session -> {
          TopicMeta topic = context.partitionTopic(partition, session);
          PartitionReader.PartitionState state =
              PartitionReader.state(session, topic, partition.partition());
          OffsetAndMetadata committed =
              GroupQueries.committed(session, settings.groupId, partition);
          long from = committed == null ? state.logStartOffset() : committed.offset();
          return Math.max(0, state.nextOffset() - from);
        });
  }

  /**
   * The offsets to commit after processing {@code records}: per partition, the last record's offset
   * + 1.
   */
  public static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<LogRecord> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    for (LogRecord record : records) {
      offsets.merge(
          record.topicPartition(),
          OffsetAndMetadata.of(record.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    return offsets;
  }

  private void maybeAutoCommit() {
    if (settings.autoCommitIntervalMs <= 0 || System.nanoTime() - nextAutoCommitNanos < 0) {
      return;
    }
    nextAutoCommitNanos = System.nanoTime() + settings.autoCommitIntervalMs * 1_000_000L;
    Map<TopicPartition, OffsetAndMetadata> positions = positionsOf(active);
    if (!positions.isEmpty()) {
      commitAsync(positions)
          .whenComplete(
              (ignored, failure) -> {
                if (failure != null && !context.isClosed()) {
                  log.warn("automatic commit of group {} failed", settings.groupId, failure);
                }
              });
    }
  }

  private void commitQuietly(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    try {
      commitSync(offsets);
    } catch (CommitFailedException e) {
      log.warn("committing offsets of group {} before revoking failed", settings.groupId, e);
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> positionsOf(
      Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> positions = new LinkedHashMap<>();
    for (TopicPartition partition : partitions) {
      positions.put(partition, OffsetAndMetadata.of(fetcher.position(partition)));
    }
    return positions;
  }

  // ---- Positions ----

  /** The partitions this member holds now; an unmodifiable copy. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(active);
  }

  /** What this member subscribes to: topic names, or "pattern ..." */
  public String subscription() {
    return settings.subscription().toString();
  }

  /** The offset the next poll reads from in this partition. */
  public long position(TopicPartition partition) {
    return fetcher.position(partition);
  }

  public void seek(TopicPartition partition, long offset) {
    fetcher.seek(partition, offset);
  }

  public void seekToBeginning(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      fetcher.seek(partition, state(partition).logStartOffset());
    }
  }

  public void seekToEnd(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      fetcher.seek(partition, state(partition).nextOffset());
    }
  }

  public void pause(Collection<TopicPartition> partitions) {
    fetcher.pause(partitions);
  }

  public void resume(Collection<TopicPartition> partitions) {
    fetcher.resume(partitions);
  }

  public Set<TopicPartition> paused() {
    return fetcher.paused();
  }

  private PartitionReader.PartitionState state(TopicPartition partition) {
    fetcher.position(partition);
    return fetcher.read(
        "reading " + partition,
        session ->
            PartitionReader.state(
                session, context.partitionTopic(partition, session), partition.partition()));
  }

  private void ensureOpen() {
    if (closed) {
      throw context.isClosed()
          ? context.closedException()
          : new LogClosedException("this member of group '" + settings.groupId + "' is closed");
    }
    fetcher.ensureOpen();
  }

  // ---- Closing ----

  /**
   * Commits the positions (when auto-commit is on), revokes every partition through the listener
   * and leaves the group, so that the partitions move to the other members at once; a static member
   * does not leave, and keeps its partitions for its session timeout, to get them back when it
   * comes back. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    RuntimeException failure = null;
    try {
      if (!context.isClosed() && member.view().status() == MemberView.Status.MEMBER) {
        if (settings.autoCommitIntervalMs > 0) {
          commitQuietly(positionsOf(active));
        }
        if (!active.isEmpty()) {
          settings.listener.onPartitionsRevoked(Set.copyOf(active));
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    closed = true;
    try {
      abandon();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Leaves (or, static, forgets) and releases the read connection; the log's close calls it. */
  private void abandon() {
    closed = true;
    context.detach(logCloseHook);
    RuntimeException failure = null;
    try {
      if (settings.instanceId != null || context.isReadOnly()) {
        coordinator.forget(member);
      } else {
        coordinator.leave(member);
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    closeFetcher(failure);
    active.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private void closeFetcher(RuntimeException primary) {
    try {
      fetcher.close();
    } catch (SQLException e) {
      RuntimeException translated = context.translate(e, "closing a group member");
      if (primary != null) {
        primary.addSuppressed(translated);
      } else {
        throw translated;
      }
    }
  }

  /**
   * Settings of a group member; each setter checks its value at once. Open with {@link #open()}.
   */
  public static final class Builder {
    private final LogContext context;
    private final String groupId;
    private List<String> topics;
    private java.util.regex.Pattern pattern;
    private Assignor assignor = Assignor.STICKY;
    private Duration sessionTimeout = Duration.ofSeconds(10);
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    private Duration maxPollInterval = Duration.ofMinutes(5);
    private long autoCommitIntervalMs = 5000;
    private OffsetReset offsetReset = OffsetReset.LATEST;
    private RebalanceListener listener = RebalanceListener.NONE;
    private String instanceId;
    private int maxPollRecords = 1000;

    Builder(LogContext context, String groupId) {
      dev.onelog.internal.group.GroupIds.validate(groupId);
      this.context = context;
      this.groupId = groupId;
    }

    /** Subscribes to these topics; a topic that does not exist yet is taken when created. */
    public Builder topics(String... names) {
      return topics(List.of(names));
    }

    public Builder topics(Collection<String> names) {
      if (names.isEmpty()) {
        throw new IllegalArgumentException("subscribe to at least one topic");
      }
      for (String name : names) {
        dev.onelog.internal.storage.TopicNames.validate(name);
      }
      this.topics = List.copyOf(new LinkedHashSet<>(names));
      this.pattern = null;
      return this;
    }

    /**
     * Subscribes to every topic whose whole name matches, now and as topics are created; Kafka's
     * pattern subscription.
     */
    public Builder topicPattern(java.util.regex.Pattern topicPattern) {
      this.pattern = java.util.Objects.requireNonNull(topicPattern, "topicPattern");
      this.topics = null;
      return this;
    }

    /** Default {@link Assignor#STICKY}; every member of a group must use the same one. */
    public Builder assignor(Assignor value) {
      this.assignor = java.util.Objects.requireNonNull(value, "assignor");
      return this;
    }

    /**
     * How long a member may go without a heartbeat before it loses its partitions; default 10 s, at
     * least 100 ms and above the heartbeat interval.
     */
    public Builder sessionTimeout(Duration timeout) {
      if (timeout.toMillis() < 100) {
        throw new IllegalArgumentException(
            "sessionTimeout must be at least 100 ms, was " + timeout);
      }
      this.sessionTimeout = timeout;
      return this;
    }

    /** How often this process heartbeats its members; default 1 s, below the session timeout. */
    public Builder heartbeatInterval(Duration interval) {
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException(
            "heartbeatInterval must be at least 10 ms, was " + interval);
      }
      this.heartbeatInterval = interval;
      return this;
    }

    /**
     * How long a member may go between polls before it stops heartbeating (and so loses its
     * partitions after its session timeout); default 5 minutes, as Kafka's {@code
     * max.poll.interval.ms}.
     */
    public Builder maxPollInterval(Duration interval) {
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("maxPollInterval must be positive, was " + interval);
      }
      this.maxPollInterval = interval;
      return this;
    }

    /**
     * Commits the positions automatically every {@code interval}, at the start of a poll, and
     * before partitions are revoked and on close: at-least-once, since records returned by the last
     * poll before a crash are read again. On by default, every 5 s, as in Kafka.
     */
    public Builder autoCommitInterval(Duration interval) {
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException(
            "autoCommitInterval must be positive, was " + interval + "; use noAutoCommit()");
      }
      this.autoCommitIntervalMs = interval.toMillis();
      return this;
    }

    /** Commits only when told: commitSync, commitAsync, or in a transaction. */
    public Builder noAutoCommit() {
      this.autoCommitIntervalMs = 0;
      return this;
    }

    /** Where to start without a usable committed offset; default {@link OffsetReset#LATEST}. */
    public Builder offsetReset(OffsetReset value) {
      this.offsetReset = java.util.Objects.requireNonNull(value, "offsetReset");
      return this;
    }

    public Builder rebalanceListener(RebalanceListener value) {
      this.listener = java.util.Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Makes this a static member with that instance id (Kafka's {@code group.instance.id}): it does
     * not leave the group when it closes, and when it comes back within its session timeout it gets
     * its partitions back without a rebalance. Two live members must not share one.
     */
    public Builder staticMemberId(String id) {
      dev.onelog.internal.group.GroupIds.validate(id);
      this.instanceId = id;
      return this;
    }

    /** The most records one poll returns; default 1000. */
    public Builder maxPollRecords(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("maxPollRecords < 1: " + records);
      }
      this.maxPollRecords = records;
      return this;
    }

    dev.onelog.internal.group.Subscription subscription() {
      return topics != null
          ? dev.onelog.internal.group.Subscription.topics(topics)
          : dev.onelog.internal.group.Subscription.pattern(pattern);
    }

    /**
     * Joins the group and returns the member; its partitions arrive with its first polls.
     *
     * @throws IllegalStateException when no topics or pattern were given, or the heartbeat interval
     *     is not below the session timeout
     * @throws InconsistentAssignorException when the group's live members use another assignor
     * @throws dev.onelog.FileAccessException when the log was opened read-only
     */
    public GroupConsumer open() {
      if (topics == null && pattern == null) {
        throw new IllegalStateException(
            "a member of group '" + groupId + "' needs topics(...) or topicPattern(...)");
      }
      if (heartbeatInterval.compareTo(sessionTimeout) >= 0) {
        throw new IllegalStateException(
            "heartbeatInterval "
                + heartbeatInterval
                + " must be below sessionTimeout "
                + sessionTimeout
                + " (a third of it or less is usual)");
      }
      context.writer(); // fails at once on a read-only or closed log
      return new GroupConsumer(context, this);
    }
  }
}
