package dev.onelog.internal.read;

import dev.onelog.LogClosedException;
import dev.onelog.LogRecord;
import dev.onelog.ReadLimit;
import dev.onelog.TopicPartition;
import dev.onelog.UnknownTopicException;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reading half of a consumer, shared by the plain {@code Consumer} and a group member: a
 * position per partition, kept in memory, and {@link #poll}, which returns as soon as records
 * exist. A commit in this process wakes it at once; another process's commit is noticed through
 * SQLite's {@code PRAGMA data_version}, polled at an interval that starts at {@value #MIN_WAIT_MS}
 * ms and doubles up to {@value #MAX_WAIT_MS} ms while nothing arrives, and, once one was noticed,
 * also at once through the log's wake file (see {@link CommitWait}). It never spins, and never
 * holds more than one poll's records in memory.
 *
 * <p>A topic deleted and created again (by this process or another) is noticed by its id: the poll
 * that notices throws {@link UnknownTopicException}, and the positions of its partitions move to
 * the new topic's earliest offsets, so the next poll reads the new topic.
 *
 * <p>Not thread-safe, except {@link #close()}, which may be called from another thread (the log's
 * close) while a poll runs: the poll then ends with {@link LogClosedException}, and the poller
 * closes the read connection on its way out. {@code polling}, {@code closed} and {@code session}'s
 * closing are guarded by {@code lock}.
 */
public final class PartitionFetcher implements AutoCloseable {
  public static final long MIN_WAIT_MS = 1;
  public static final long MAX_WAIT_MS = 16;

  /** Asked while a poll waits; may end the wait early. */
  @FunctionalInterface
  public interface WaitHook {
    /**
     * @param otherCommitted true when another connection committed since the last look
     * @return true to end the poll now, with what it has (nothing)
     */
    boolean stopWaiting(StatementCache session, boolean otherCommitted) throws SQLException;
  }

  private final LogContext context;
  private final String owner;
  private final FetchPositions positions;
  private final Object lock = new Object();
  private int nextPartition;
  private int maxPollRecords = ReadLimit.DEFAULT.maxRecords();
  private long maxPollBytes = ReadLimit.DEFAULT.maxBytes();
  private boolean ignoreOtherProcesses;

  /** How many records the last fetch returned: the next one's list is sized for as many. */
  private int lastPollRecords;

  /** Guarded by lock. */
  private boolean polling;

  /** Guarded by lock; read without it by the poller between statements. */
  private volatile boolean closed;

  /** Opened on first use; closed by close() or, when a poll runs then, by the poller. */
  private StatementCache session;

  /**
   * @param owner names the consumer in messages: "this consumer of [orders-0]"
   */
  public PartitionFetcher(LogContext context, String owner) {
    this(context, owner, false);
  }

  private PartitionFetcher(LogContext context, String owner, boolean collectsStale) {
    this.context = context;
    this.owner = owner;
    this.positions = new FetchPositions(owner, collectsStale);
  }

  /**
   * A fetcher for a group member: a partition whose topic was deleted or re-created is skipped and
   * reported by {@link #takeStale} instead of failing the poll.
   */
  public static PartitionFetcher forGroupMember(LogContext context, String owner) {
    return new PartitionFetcher(context, owner, true);
  }

  /**
   * The partitions a group member's polls found deleted or re-created since the last call; they are
   * no longer fetched. Empty for a plain consumer.
   */
  public Set<TopicPartition> takeStale() {
    return positions.takeStale();
  }

  public void maxPollRecords(int records) {
    if (records < 1) {
      throw new IllegalArgumentException("maxPollRecords < 1: " + records);
    }
    this.maxPollRecords = records;
  }

  public void maxPollBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxPollBytes < 1: " + bytes);
    }
    this.maxPollBytes = bytes;
  }

  /**
   * For tests: never look at other processes' commits, so that only this process's commit signal
   * can end a wait.
   */
  public void ignoreOtherProcesses() {
    this.ignoreOtherProcesses = true;
  }

  /** Starts fetching a partition from {@code position}; the topic's id is looked up now. */
  public void assign(TopicPartition partition, long position) {
    positions.assign(partition, context.topic(partition.topic()).id(), position);
  }

  public void unassign(Collection<TopicPartition> partitions) {
    positions.unassign(partitions);
  }

  /** The assigned partitions, in assignment order, as an unmodifiable copy. */
  public List<TopicPartition> assignment() {
    return positions.assignment();
  }

  /**
   * @throws IllegalArgumentException when the partition is not assigned
   */
  public long position(TopicPartition partition) {
    return positions.position(partition);
  }

  public void seek(TopicPartition partition, long offset) {
    positions.seek(partition, offset);
  }

  /** Moves each partition to its earliest offset. */
  public void seekToBeginning(Collection<TopicPartition> partitions) {
    seekToState(partitions, true);
  }

  /** Moves each partition to its next offset: only records appended from now on are read. */
  public void seekToEnd(Collection<TopicPartition> partitions) {
    seekToState(partitions, false);
  }

  private void seekToState(Collection<TopicPartition> partitions, boolean earliest) {
    for (TopicPartition partition : partitions) {
      position(partition);
    }
    Map<TopicPartition, Long> offsets =
        read(
            "reading the offsets of " + partitions,
            session -> {
              Map<TopicPartition, Long> found = new HashMap<>();
              for (TopicPartition partition : partitions) {
                PartitionReader.PartitionState state =
                    PartitionReader.state(
                        session, context.partitionTopic(partition, session), partition.partition());
                found.put(partition, earliest ? state.logStartOffset() : state.nextOffset());
              }
              return found;
            });
    offsets.forEach(positions::advance);
  }

  public void pause(Collection<TopicPartition> partitions) {
    positions.pause(partitions);
  }

  public void resume(Collection<TopicPartition> partitions) {
    positions.resume(partitions);
  }

  public Set<TopicPartition> paused() {
    return positions.paused();
  }

  /**
   * Returns the records after the current positions of the partitions not paused, waiting up to
   * {@code timeout} for the first one; an empty list when none came or when {@code hook} ended the
   * wait. Advances the positions past what it returns.
   *
   * @throws LogClosedException when this consumer or its log is closed, also during the poll
   * @throws UnknownTopicException when a topic was deleted, or deleted and created again
   * @throws dev.onelog.CorruptRecordException when a batch does not match its CRC or does not
   *     decode
   */
  public List<LogRecord> poll(Duration timeout, WaitHook hook) {
    synchronized (lock) {
      ensureOpen();
      polling = true;
    }
    try {
      return pollOpen(timeout, hook);
    } catch (SQLException e) {
      dropSession(e);
      if (closed || context.isClosed()) {
        LogClosedException closedNow = closedException();
        closedNow.addSuppressed(e);
        throw closedNow;
      }
      if (SqliteErrors.isNoSuchTable(e)) {
        UnknownTopicException gone = topicGone(e);
        if (gone != null) {
          throw gone;
        }
        return List.of(); // a group member's: the partitions concerned are in stale
      }
      throw context.translate(e, "polling " + positions.assignment());
    } finally {
      synchronized (lock) {
        polling = false;
        if (closed) {
          closeSession();
        }
      }
    }
  }

  private List<LogRecord> pollOpen(Duration timeout, WaitHook hook) throws SQLException {
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    StatementCache reader = session();
    CommitWait wait = new CommitWait(context, reader, !ignoreOtherProcesses);
    while (true) {
      wait.look();
      List<LogRecord> records = fetch(reader);
      if (!records.isEmpty()) {
        return records;
      }
      while (true) {
        long remainingNanos = deadline - System.nanoTime();
        if (remainingNanos <= 0) {
          return records;
        }
        CommitWait.Outcome outcome;
        try {
          outcome = wait.await(remainingNanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        }
        ensureOpen();
        boolean otherCommitted = outcome == CommitWait.Outcome.COMMITTED_ELSEWHERE;
        if (hook != null && hook.stopWaiting(reader, otherCommitted)) {
          return List.of();
        }
        if (outcome != CommitWait.Outcome.NOTHING) {
          break;
        }
      }
    }
  }

  /**
   * Reads from the partitions in turn, starting after the one that came first last time. The
   * positions move only once every partition has been read: a poll that fails part way (a damaged
   * batch, a topic deleted by another process) returns none of what it read, so none of it may be
   * skipped by the next poll.
   */
  private List<LogRecord> fetch(StatementCache reader) throws SQLException {
    List<TopicPartition> order = positions.assignment();
    // One list for every partition's records, sized for as many as the last poll returned: a
    // consumer catching up fills its polls, one keeping up gets a few records a poll. Before, each
    // partition's records went to a list of 1,024 of their own (grown 6 times on a poll of 10,000)
    // and were then copied into this one.
    List<LogRecord> out = new ArrayList<>(Math.min(maxPollRecords, Math.max(16, lastPollRecords)));
    List<TopicPartition> advanced = new ArrayList<>();
    List<Integer> ends = new ArrayList<>(); // where each advanced partition's records end in out
    long bytes = 0;
    for (int i = 0; i < order.size() && out.size() < maxPollRecords && bytes < maxPollBytes; i++) {
      TopicPartition partition = order.get((nextPartition + i) % order.size());
      if (positions.skips(partition)) {
        continue;
      }
      TopicMeta topic;
      try {
        topic = context.partitionTopic(partition, reader);
      } catch (UnknownTopicException | dev.onelog.UnknownPartitionException e) {
        if (!positions.collectsStale()) {
          throw e;
        }
        positions.markStale(partition);
        continue;
      }
      if (!checkSameTopic(partition, topic)) {
        continue;
      }
      ReadLimit limit =
          new ReadLimit(maxPollRecords - out.size(), Math.max(1, maxPollBytes - bytes));
      int before = out.size();
      bytes +=
          PartitionReader.readInto(
              reader, topic, partition.partition(), positions.position(partition), limit, out);
      if (out.size() > before) {
        advanced.add(partition);
        ends.add(out.size() - 1);
      }
    }
    for (int i = 0; i < advanced.size(); i++) {
      positions.advance(advanced.get(i), out.get(ends.get(i)).offset() + 1);
    }
    if (!order.isEmpty()) {
      nextPartition = (nextPartition + 1) % order.size();
    }
    lastPollRecords = out.size();
    return out;
  }

  /**
   * Notices a topic that was deleted and created again since the partition's position was set. A
   * plain consumer moves the positions of all the topic's partitions to the new topic's start and
   * throws; a group member's fetcher marks the partition stale.
   *
   * @return false when the partition must be skipped
   */
  private boolean checkSameTopic(TopicPartition partition, TopicMeta topic) {
    Long seen = positions.topicId(partition);
    if (seen == null || seen == topic.id()) {
      return true;
    }
    if (positions.collectsStale()) {
      positions.markStale(partition);
      return false;
    }
    positions.restartTopic(topic.name(), topic.id());
    throw new UnknownTopicException(
        "topic '"
            + topic.name()
            + "' was deleted and created again while "
            + owner
            + " read it; its partitions are now read from the new topic's earliest offsets");
  }

  /**
   * A log table vanished: another process deleted a topic (and perhaps created it again). Reloads
   * the catalog; a plain consumer's partitions of a re-created topic move to the new topic, and the
   * returned exception says what happened; a group member's partitions concerned become stale and
   * null is returned.
   */
  private UnknownTopicException topicGone(SQLException cause) {
    context.read(
        "reloading topics",
        s -> {
          context.catalog().reload(s.connection());
          return null;
        });
    UnknownTopicException e = null;
    for (TopicPartition partition : positions.withTopicIds()) {
      TopicMeta now = context.catalog().cached(partition.topic());
      if (now == null || partition.partition() >= now.partitions()) {
        if (positions.collectsStale()) {
          positions.markStale(partition);
        } else {
          e =
              new UnknownTopicException(
                  "topic '"
                      + partition.topic()
                      + "' was deleted while "
                      + owner
                      + " read it; known topics: "
                      + context.catalog().knownNames());
        }
      } else {
        try {
          checkSameTopic(partition, now);
        } catch (UnknownTopicException recreated) {
          e = recreated;
        }
      }
    }
    if (positions.collectsStale()) {
      return null;
    }
    if (e == null) {
      e =
          new UnknownTopicException(
              "a topic was deleted while "
                  + owner
                  + " read it; known topics: "
                  + context.catalog().knownNames());
    }
    e.initCause(cause);
    return e;
  }

  /** After a failed statement the session's statements may be unusable: start afresh next poll. */
  private void dropSession(Throwable primary) {
    synchronized (lock) {
      if (session != null) {
        try {
          session.close();
        } catch (SQLException e) {
          primary.addSuppressed(e);
        }
        session = null;
      }
    }
  }

  private StatementCache session() throws SQLException {
    synchronized (lock) {
      if (session == null) {
        session = context.readers().open();
      }
      return session;
    }
  }

  /** A read on this consumer's own connection, for a layer's small queries between polls. */
  public <T> T read(String doing, ReaderSessions.SqlWork<T> work) {
    ensureOpen();
    try {
      return work.run(session());
    } catch (SQLException e) {
      dropSession(e);
      throw context.translate(e, doing);
    }
  }

  public void ensureOpen() {
    context.ensureOpen();
    if (closed) {
      throw closedException();
    }
  }

  private LogClosedException closedException() {
    if (context.isClosed()) {
      return context.closedException();
    }
    return new LogClosedException(owner + " is closed");
  }

  public boolean isClosed() {
    return closed;
  }

  /** Releases the read connection, now or, when a poll runs, as it ends. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (polling) {
        context.signal().wakeAll();
        return;
      }
    }
    SQLException failure = null;
    synchronized (lock) {
      try {
        if (session != null) {
          session.close();
        }
      } catch (SQLException e) {
        failure = e;
      } finally {
        session = null;
      }
    }
    if (failure != null) {
      throw context.translate(failure, "closing the read connection of " + owner);
    }
  }

  private void closeSession() {
    if (session != null) {
      try {
        session.close();
      } catch (SQLException e) {
        org.slf4j.LoggerFactory.getLogger(PartitionFetcher.class)
            .warn("closing the read connection of {} failed", owner, e);
      } finally {
        session = null;
      }
    }
  }
}
