package dev.onelog.group;

import dev.onelog.LogClosedException;
import dev.onelog.LogRecord;
import dev.onelog.TopicPartition;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.group.GroupIds;
import dev.onelog.internal.group.GroupQueries;
import dev.onelog.internal.group.MemberSession;
import dev.onelog.internal.group.MemberSettings;
import dev.onelog.internal.group.Subscription;
import dev.onelog.internal.read.PartitionFetcher;
import dev.onelog.internal.storage.TopicNames;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * A member of a consumer group: the group's members, in this process and in other processes on the
 * same file, share the partitions of the topics they subscribe to, each partition held by at most
 * one member at a time, and commit their progress to the file (docs/GROUPS.md).
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
  private final LogContext context;
  private final MemberSettings settings;
  private final PartitionFetcher fetcher;
  private final MemberSession session;
  private final AutoCloseable logCloseHook = this::abandon;
  private volatile boolean closed;

  private GroupConsumer(LogContext context, MemberSettings settings) {
    this.context = context;
    this.settings = settings;
    this.fetcher =
        PartitionFetcher.forGroupMember(context, "member of group '" + settings.groupId() + "'");
    fetcher.maxPollRecords(settings.maxPollRecords());
    this.session = new MemberSession(context, settings, fetcher);
    context.attach(logCloseHook);
    try {
      session.join();
    } catch (RuntimeException e) {
      context.detach(logCloseHook);
      closeFetcher(e);
      throw e;
    }
  }

  public String groupId() {
    return settings.groupId();
  }

  /** This member's id in the group; a new one after its session expired and it joined again. */
  public String memberId() {
    return session.member().memberId();
  }

  /** Who commits, for {@link dev.onelog.Transaction#commitOffsets}. */
  public ConsumerGroupMetadata groupMetadata() {
    return new ConsumerGroupMetadata(
        settings.groupId(),
        session.member().memberId(),
        session.member().view().generation(),
        settings.instanceId());
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
    session.polled();
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    session.autoCommitIfDue();
    session.checkGroup();
    while (true) {
      try {
        session.reconcile();
      } catch (FencedInstanceException e) {
        closed = true;
        throw e;
      }
      long remaining = Math.max(0, deadline - System.nanoTime());
      List<LogRecord> records = fetcher.poll(Duration.ofNanos(remaining), session::stopWaiting);
      session.loseDeletedTopics(fetcher.takeStale());
      if (!records.isEmpty()
          || System.nanoTime() - deadline >= 0
          || Thread.currentThread().isInterrupted()) {
        return records; // interrupted: return at once, with the flag still set, as Consumer does
      }
      session.polled();
    }
  }

  // ---- Commits ----

  /**
   * Commits the current position of every partition this member holds and waits until it is
   * durable.
   *
   * @throws CommitFailedException when the member no longer holds one of them
   */
  public void commitSync() {
    commitSync(session.positions());
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
    return commitAsync(session.positions());
  }

  public CompletableFuture<Void> commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    ensureOpen();
    if (offsets.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return session.commit(offsets);
  }

  /** The group's committed offsets of these partitions; absent ones have none. */
  public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    return fetcher.read(
        "reading the committed offsets of group " + settings.groupId(),
        s -> GroupQueries.committed(s, settings.groupId(), partitions));
  }

  /**
   * How far the group is behind in a partition: its next offset minus the group's committed offset;
   * -1 when the group has committed none there (Kafka's tools show "-").
   */
  public long lag(TopicPartition partition) {
    return fetcher.read(
        "measuring the lag of group " + settings.groupId(),
        s -> GroupQueries.lag(s, context.catalog(), settings.groupId(), partition));
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

  // ---- Positions ----

  /** The partitions this member holds now; an unmodifiable copy. */
  public Set<TopicPartition> assignment() {
    return session.active();
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
    fetcher.seekToBeginning(partitions);
  }

  public void seekToEnd(Collection<TopicPartition> partitions) {
    fetcher.seekToEnd(partitions);
  }

  /**
   * Stops returning records of these partitions (which the member must hold) until they are
   * resumed, or revoked: a partition taken again after a rebalance is not paused, as in Kafka.
   */
  public void pause(Collection<TopicPartition> partitions) {
    fetcher.pause(partitions);
  }

  public void resume(Collection<TopicPartition> partitions) {
    fetcher.resume(partitions);
  }

  public Set<TopicPartition> paused() {
    return fetcher.paused();
  }

  private void ensureOpen() {
    if (closed) {
      throw context.isClosed()
          ? context.closedException()
          : new LogClosedException("this member of group '" + settings.groupId() + "' is closed");
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
      if (!context.isClosed()) {
        session.revokeAll();
      }
    } catch (RuntimeException e) {
      failure = e;
    }
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
      session.leave();
    } catch (RuntimeException e) {
      failure = e;
    }
    closeFetcher(failure);
    if (failure != null) {
      throw failure;
    }
  }

  private void closeFetcher(RuntimeException primary) {
    try {
      fetcher.close();
    } catch (RuntimeException e) {
      if (primary == null) {
        throw e;
      }
      primary.addSuppressed(e);
    }
  }

  /**
   * Settings of a group member; each setter checks its value at once. Open with {@link #open()}.
   */
  public static final class Builder {
    private final LogContext context;
    private final String groupId;
    private List<String> topics;
    private Pattern pattern;
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
      GroupIds.validate(groupId);
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
        TopicNames.validate(name);
      }
      this.topics = List.copyOf(new LinkedHashSet<>(names));
      this.pattern = null;
      return this;
    }

    /**
     * Subscribes to every topic whose whole name matches, now and as topics are created; Kafka's
     * pattern subscription.
     */
    public Builder topicPattern(Pattern topicPattern) {
      this.pattern = Objects.requireNonNull(topicPattern, "topicPattern");
      this.topics = null;
      return this;
    }

    /** Default {@link Assignor#STICKY}; every member of a group must use the same one. */
    public Builder assignor(Assignor value) {
      this.assignor = Objects.requireNonNull(value, "assignor");
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
      this.offsetReset = Objects.requireNonNull(value, "offsetReset");
      return this;
    }

    public Builder rebalanceListener(RebalanceListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Makes this a static member with that instance id (Kafka's {@code group.instance.id}): it does
     * not leave the group when it closes, and when it comes back within its session timeout it gets
     * its partitions back without a rebalance. Two live members must not share one.
     */
    public Builder staticMemberId(String id) {
      GroupIds.validateInstanceId(id);
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
      return new GroupConsumer(
          context,
          new MemberSettings(
              groupId,
              topics != null ? Subscription.topics(topics) : Subscription.pattern(pattern),
              assignor,
              sessionTimeout.toMillis(),
              heartbeatInterval.toMillis(),
              maxPollInterval.toMillis(),
              autoCommitIntervalMs,
              offsetReset,
              listener,
              instanceId,
              maxPollRecords));
    }
  }
}
