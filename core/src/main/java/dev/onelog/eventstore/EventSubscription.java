package dev.onelog.eventstore;

import dev.onelog.LogRecord;
import dev.onelog.TopicPartition;
import dev.onelog.internal.eventstore.EventStoreEngine;
import dev.onelog.internal.eventstore.EventTables;
import dev.onelog.internal.read.PartitionFetcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Events in global order as they are stored: {@link #poll} returns what is stored from the
 * subscription's position (catch-up), then waits for new events (live). An append in this process
 * wakes it at once; another process's is noticed within 1 to 16 ms, as a consumer notices records.
 * Positions only grow: a subscription that returned position P never later returns one below P.
 *
 * <p>Not thread-safe, except {@link #close()}: poll from one thread.
 */
public final class EventSubscription implements AutoCloseable {
  private static final TopicPartition EVENTS = new TopicPartition(EventTables.TOPIC, 0);

  private final EventStoreEngine engine;
  private final PartitionFetcher fetcher;
  private final EventFilter filter;
  private final String streamId;
  private final long fromVersion;
  private long position;

  private EventSubscription(
      EventStoreEngine engine, long from, EventFilter filter, String streamId, long fromVersion) {
    this.engine = engine;
    this.filter = filter;
    this.streamId = streamId;
    this.fromVersion = fromVersion;
    this.position = Math.max(0, from);
    this.fetcher =
        new PartitionFetcher(
            engine.context(),
            streamId == null ? "a subscription to all events" : "a subscription to " + streamId);
    engine.context().attach(this);
    fetcher.assign(EVENTS, position);
  }

  static EventSubscription toAll(EventStoreEngine engine, long fromPosition, EventFilter filter) {
    if (fromPosition < 0) {
      throw new IllegalArgumentException("fromPosition < 0: " + fromPosition);
    }
    return new EventSubscription(engine, fromPosition, filter, null, 0);
  }

  static EventSubscription toStream(EventStoreEngine engine, String streamId, long fromVersion) {
    StreamAppend.checkStreamId(streamId);
    if (fromVersion < 0) {
      throw new IllegalArgumentException("fromVersion < 0: " + fromVersion);
    }
    long start = engine.positionOf(streamId, fromVersion);
    if (start < 0) {
      start = engine.endPosition();
    }
    return new EventSubscription(engine, start, EventFilter.ALL, streamId, fromVersion);
  }

  /** For tests: wake only on this process's commits, never on another process's. */
  void ignoreOtherProcesses() {
    fetcher.ignoreOtherProcesses();
  }

  /** At most this many records are read per poll (default 1000). */
  public EventSubscription maxPollEvents(int events) {
    fetcher.maxPollRecords(events);
    return this;
  }

  /**
   * The next events passing the subscription's filter, waiting up to {@code timeout} for some.
   *
   * @throws dev.onelog.LogClosedException when the log or the subscription was closed
   */
  public List<RecordedEvent> poll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = Math.max(0, deadline - System.nanoTime());
      List<LogRecord> records = fetcher.poll(Duration.ofNanos(left), null);
      List<RecordedEvent> events = new ArrayList<>(records.size());
      for (LogRecord record : records) {
        position = record.offset() + 1;
        RecordedEvent event = engine.decode(record);
        if (event != null && matches(event)) {
          events.add(event);
        }
      }
      if (!events.isEmpty() || records.isEmpty() || System.nanoTime() - deadline >= 0) {
        return events;
      }
    }
  }

  private boolean matches(RecordedEvent event) {
    if (streamId != null) {
      return event.streamId().equals(streamId) && event.version() >= fromVersion;
    }
    return filter.matches(event);
  }

  /** The position the next poll reads from. */
  public long position() {
    return position;
  }

  @Override
  public void close() {
    fetcher.close();
    engine.context().detach(this);
  }
}
