package dev.onelog;

import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a fixed set of partitions from positions it keeps in memory, as Kafka's consumer with
 * {@code assign}. {@link #poll(Duration)} returns as soon as records exist: a commit in this
 * process wakes it at once; another process's commit is noticed through SQLite's {@code PRAGMA
 * data_version}, polled at an interval that starts at {@value #MIN_WAIT_MS} ms and doubles up to
 * {@value #MAX_WAIT_MS} ms while nothing arrives. It never spins, and never holds more than one
 * poll's records in memory.
 *
 * <p>Not thread-safe: use one consumer per thread. It holds a read connection of its own until
 * {@link #close()}, which is idempotent; closing the log closes its consumers.
 */
public final class Consumer implements AutoCloseable {
  static final long MIN_WAIT_MS = 1;
  static final long MAX_WAIT_MS = 16;

  private final OneLog log;
  private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
  private final List<TopicPartition> order;
  private StatementCache session;
  private int nextPartition;
  private int maxPollRecords = ReadLimit.DEFAULT.maxRecords();
  private long maxPollBytes = ReadLimit.DEFAULT.maxBytes();
  private volatile boolean closed;

  Consumer(OneLog log, List<TopicPartition> partitions) {
    this.log = log;
    this.order = partitions;
    for (TopicPartition partition : partitions) {
      positions.put(partition, 0L);
    }
    seekToBeginning();
  }

  /** The most records one poll returns; default 1000. */
  public Consumer maxPollRecords(int records) {
    if (records < 1) {
      throw new IllegalArgumentException("maxPollRecords < 1: " + records);
    }
    this.maxPollRecords = records;
    return this;
  }

  /**
   * The most bytes of keys, values and headers one poll returns (at least one record); default 4
   * MiB.
   */
  public Consumer maxPollBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxPollBytes < 1: " + bytes);
    }
    this.maxPollBytes = bytes;
    return this;
  }

  public Set<TopicPartition> assignment() {
    return positions.keySet();
  }

  /** The offset the next poll reads from in this partition. */
  public long position(TopicPartition partition) {
    Long position = positions.get(partition);
    if (position == null) {
      throw new IllegalArgumentException(
          partition + " is not assigned to this consumer; assigned: " + positions.keySet());
    }
    return position;
  }

  public void seek(TopicPartition partition, long offset) {
    position(partition);
    if (offset < 0) {
      throw new IllegalArgumentException("offset < 0: " + offset);
    }
    positions.put(partition, offset);
  }

  public void seekToBeginning() {
    for (TopicPartition partition : order) {
      positions.put(partition, log.earliestOffset(partition));
    }
  }

  /** Skips every record stored so far: the next poll returns only records appended from now on. */
  public void seekToEnd() {
    for (TopicPartition partition : order) {
      positions.put(partition, log.nextOffset(partition));
    }
  }

  /** Positions each partition at its first record at or after {@code time}, or at its end. */
  public void seekToTimestamp(Instant time) {
    for (TopicPartition partition : order) {
      positions.put(
          partition, log.offsetForTimestamp(partition, time).orElse(log.nextOffset(partition)));
    }
  }

  /**
   * Returns the records after the current positions, waiting up to {@code timeout} for the first
   * one; an empty list when none came. Advances the positions past what it returns.
   *
   * @throws LogClosedException when this consumer or its log is closed
   * @throws CorruptRecordException when a batch of records does not match its CRC or does not
   *     decode
   */
  public List<LogRecord> poll(Duration timeout) {
    ensureOpen();
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    long waitMs = MIN_WAIT_MS;
    try {
      StatementCache reader = session();
      while (true) {
        long seenCommit = log.signal().version();
        long seenDataVersion = PartitionReader.dataVersion(reader);
        List<LogRecord> records = fetch(reader);
        if (!records.isEmpty()) {
          return records;
        }
        while (true) {
          long remainingNanos = deadline - System.nanoTime();
          if (remainingNanos <= 0) {
            return records;
          }
          if (log.signal().awaitAfter(seenCommit, Math.min(remainingNanos, waitMs * 1_000_000))) {
            break;
          }
          ensureOpen();
          if (PartitionReader.dataVersion(reader) != seenDataVersion) {
            break;
          }
          waitMs = Math.min(waitMs * 2, MAX_WAIT_MS);
        }
      }
    } catch (SQLException e) {
      dropSession(e);
      throw SqliteErrors.translate(e, log.path(), log.options().busyTimeout(), "polling " + order);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /** Reads from the partitions in turn, starting after the one that came first last time. */
  private List<LogRecord> fetch(StatementCache reader) throws SQLException {
    List<LogRecord> out = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < order.size() && out.size() < maxPollRecords && bytes < maxPollBytes; i++) {
      TopicPartition partition = order.get((nextPartition + i) % order.size());
      TopicMeta topic = log.partitionTopic(partition, reader);
      ReadLimit limit =
          new ReadLimit(maxPollRecords - out.size(), Math.max(1, maxPollBytes - bytes));
      List<LogRecord> records =
          PartitionReader.read(
              reader, topic, partition.partition(), positions.get(partition), limit);
      if (!records.isEmpty()) {
        positions.put(partition, records.get(records.size() - 1).offset() + 1);
        for (LogRecord record : records) {
          bytes += sizeOf(record);
        }
        out.addAll(records);
      }
    }
    nextPartition = (nextPartition + 1) % order.size();
    return out;
  }

  /** What the record counts against maxPollBytes: key, value and encoded headers, as stored. */
  private static long sizeOf(LogRecord record) {
    return (long) (record.key() == null ? 0 : record.key().length)
        + (record.value() == null ? 0 : record.value().length)
        + RecordCodec.encodedLength(record.headers());
  }

  /** After a failed statement the session's statements may be unusable: start afresh next poll. */
  private void dropSession(Throwable primary) {
    if (session != null) {
      try {
        session.close();
      } catch (SQLException e) {
        primary.addSuppressed(e);
      }
      session = null;
    }
  }

  private StatementCache session() throws SQLException {
    if (session == null) {
      session = log.readers().open();
    }
    return session;
  }

  private void ensureOpen() {
    log.ensureOpen();
    if (closed) {
      throw new LogClosedException("this consumer of " + order + " is closed");
    }
  }

  /** Releases the consumer's read connection. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.forget(this);
    if (session != null) {
      try {
        session.close();
      } catch (SQLException e) {
        throw SqliteErrors.translate(
            e, log.path(), log.options().busyTimeout(), "closing a consumer");
      }
    }
  }
}
