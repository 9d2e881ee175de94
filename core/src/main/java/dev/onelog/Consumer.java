package dev.onelog;

import dev.onelog.internal.LogContext;
import dev.onelog.internal.read.PartitionFetcher;
import dev.onelog.internal.read.PartitionReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Reads a fixed set of partitions from positions it keeps in memory, as Kafka's consumer with
 * {@code assign}; it belongs to no group and commits nothing (see {@link OneLog#groups()} for
 * that). {@link #poll(Duration)} returns as soon as records exist: a commit in this process wakes
 * it at once; another process's commit is noticed through SQLite's {@code PRAGMA data_version},
 * polled at an interval that starts at 1 ms and doubles up to 16 ms while nothing arrives. It never
 * spins, and never holds more than one poll's records in memory.
 *
 * <p>When its topic is deleted and created again, by this process or another, the poll that notices
 * throws {@link UnknownTopicException} and the consumer goes on reading the new topic from its
 * earliest offsets.
 *
 * <p>Not thread-safe: use one consumer per thread. It holds a read connection of its own until
 * {@link #close()}, which is idempotent and may be called from any thread; closing the log closes
 * its consumers, and a poll running at that moment ends with {@link LogClosedException}.
 */
public final class Consumer implements AutoCloseable {
  private final LogContext context;
  private final List<TopicPartition> partitions;
  private final PartitionFetcher fetcher;

  Consumer(LogContext context, List<TopicPartition> partitions) {
    this.context = context;
    this.partitions = partitions;
    this.fetcher = new PartitionFetcher(context, "this consumer of " + partitions);
    for (TopicPartition partition : partitions) {
      fetcher.assign(partition, 0);
    }
    context.attach(this);
    try {
      seekToBeginning();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The most records one poll returns; default 1000. */
  public Consumer maxPollRecords(int records) {
    fetcher.maxPollRecords(records);
    return this;
  }

  /**
   * The most bytes of keys, values and headers one poll returns (at least one record); default 4
   * MiB.
   */
  public Consumer maxPollBytes(long bytes) {
    fetcher.maxPollBytes(bytes);
    return this;
  }

  /** For tests: only this process's commits end a wait, never a look at the file. */
  Consumer ignoreOtherProcesses() {
    fetcher.ignoreOtherProcesses();
    return this;
  }

  /** The partitions this consumer reads; an unmodifiable copy. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(partitions);
  }

  /** The offset the next poll reads from in this partition. */
  public long position(TopicPartition partition) {
    return fetcher.position(partition);
  }

  public void seek(TopicPartition partition, long offset) {
    fetcher.seek(partition, offset);
  }

  public void seekToBeginning() {
    fetcher.seekToBeginning(partitions);
  }

  /** Skips every record stored so far: the next poll returns only records appended from now on. */
  public void seekToEnd() {
    fetcher.seekToEnd(partitions);
  }

  /** Positions each partition at its first record at or after {@code time}, or at its end. */
  public void seekToTimestamp(Instant time) {
    for (TopicPartition partition : partitions) {
      long offset =
          context.read(
              "searching " + partition + " by time",
              session ->
                  PartitionReader.offsetForTimestamp(
                          session,
                          context.partitionTopic(partition, session),
                          partition.partition(),
                          time.toEpochMilli())
                      .orElse(
                          PartitionReader.state(
                                  session,
                                  context.partitionTopic(partition, session),
                                  partition.partition())
                              .nextOffset()));
      fetcher.seek(partition, offset);
    }
  }

  /** Stops returning records of these partitions until {@link #resume}d. */
  public void pause(java.util.Collection<TopicPartition> paused) {
    fetcher.pause(paused);
  }

  public void resume(java.util.Collection<TopicPartition> resumed) {
    fetcher.resume(resumed);
  }

  public Set<TopicPartition> paused() {
    return fetcher.paused();
  }

  /**
   * Returns the records after the current positions, waiting up to {@code timeout} for the first
   * one; an empty list when none came. Advances the positions past what it returns.
   *
   * @throws LogClosedException when this consumer or its log is closed, also during the poll
   * @throws UnknownTopicException when a topic was deleted, or deleted and created again
   * @throws CorruptRecordException when a batch of records does not match its CRC or does not
   *     decode
   */
  public List<LogRecord> poll(Duration timeout) {
    return fetcher.poll(timeout, null);
  }

  /** Releases the consumer's read connection. Idempotent; any thread. */
  @Override
  public void close() {
    context.detach(this);
    fetcher.close();
  }
}
