package dev.onelog.eventstore;

import dev.onelog.OneLog;
import dev.onelog.Transaction;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.eventstore.EventStoreEngine;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An event store built on a log, from {@link OneLog#eventStore()}: streams of events appended with
 * expected versions, one gapless global order, subscriptions, projections whose checkpoints commit
 * with their tables, and snapshots. docs/EVENTSTORE.md states its promises; docs/FORMAT.md section
 * 14 its tables.
 *
 * <p>Events are the records of a one-partition topic, {@code __eventstore}: an event's global
 * position is its record's offset, and the topic reads as any other (key = stream id; headers carry
 * type, version and id). Positions are given inside the write transaction that stores the event, so
 * commit order is position order: a reader that has seen position P never later finds a new event
 * below P.
 *
 * <pre>{@code
 * EventStore store = log.eventStore();
 * AppendResult r = store.append("order-7", ExpectedVersion.noStream(),
 *     List.of(EventData.of("OrderPlaced", json)));
 * store.append("order-7", ExpectedVersion.exactly(r.version()), List.of(EventData.of("OrderPaid", json)));
 * List<RecordedEvent> history = store.readStream("order-7", 0, 1000);
 * }</pre>
 *
 * <p>Every append is a step of the log's group commit: appends from many threads share one
 * transaction and one fsync, and a refused append (a conflict) stores nothing while the others of
 * the commit go through. Thread-safe.
 */
public final class EventStore {
  /**
   * The one-partition topic that holds the events, whose offsets are their global positions
   * (docs/FORMAT.md section 14). It reads as an ordinary topic; writes go through the event store.
   */
  public static final String TOPIC = "__eventstore";

  private final EventStoreEngine engine;

  private EventStore(EventStoreEngine engine) {
    this.engine = engine;
  }

  /**
   * For {@link OneLog#eventStore()}. The first use on a file creates the event topic and tables.
   *
   * @throws IllegalStateException inside a transaction body, when the file has no event store yet
   */
  public static EventStore of(LogContext context) {
    return new EventStore(EventStoreEngine.of(context));
  }

  // ---- Appends ----

  /**
   * Appends events to a stream if it is at the expected version, and returns once they are durable.
   * Appending the same events again (same ids, same place) returns the first result.
   *
   * @throws AppendConflictException when the stream is not at the expected version; nothing stored
   * @throws DuplicateEventIdException when an event id is stored elsewhere; nothing stored
   * @throws IllegalArgumentException on a bad stream id, no events, or an id given twice
   * @throws dev.onelog.RecordTooLargeException when an event is over the log's record size limit
   */
  public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
    return LogContext.await(appendAsync(streamId, expected, events));
  }

  /** As {@link #append(String, ExpectedVersion, List)}, completing once durable. */
  public CompletableFuture<AppendResult> appendAsync(
      String streamId, ExpectedVersion expected, List<EventData> events) {
    return engine
        .appendAsync(List.of(new StreamAppend(streamId, expected, events)), null)
        .thenApply(results -> results.get(0));
  }

  /**
   * Appends to several streams atomically: every stream must be at its expected version, or nothing
   * is stored. Results are in the order given.
   *
   * @throws AppendConflictException naming the first stream not at its expected version
   */
  public List<AppendResult> append(List<StreamAppend> appends) {
    return LogContext.await(engine.appendAsync(List.copyOf(appends), null));
  }

  /** As {@link #append(List)}, completing once durable. */
  public CompletableFuture<List<AppendResult>> appendAsync(List<StreamAppend> appends) {
    return engine.appendAsync(List.copyOf(appends), null);
  }

  /**
   * Appends atomically only if no event matching the condition's query was appended after its
   * position (and each stream is at its expected version).
   *
   * @throws AppendConflictException naming the query and the first conflicting position
   */
  public List<AppendResult> append(AppendCondition condition, List<StreamAppend> appends) {
    return LogContext.await(appendAsync(condition, appends));
  }

  /** As {@link #append(AppendCondition, List)}, completing once durable. */
  public CompletableFuture<List<AppendResult>> appendAsync(
      AppendCondition condition, List<StreamAppend> appends) {
    java.util.Objects.requireNonNull(condition, "condition");
    return engine.appendAsync(List.copyOf(appends), condition);
  }

  /**
   * Appends inside a {@code log.transaction} body, with the body's own SQL and records: all commit
   * together. A refusal is thrown into the body (catch it there, or let it roll the body back).
   *
   * @param condition null for none
   */
  public List<AppendResult> append(
      Transaction tx, AppendCondition condition, List<StreamAppend> appends) {
    return engine.append(tx, List.copyOf(appends), condition);
  }

  // ---- Streams ----

  /** The stream's events from {@code fromVersion} up, at most {@code maxCount}. */
  public List<RecordedEvent> readStream(String streamId, long fromVersion, int maxCount) {
    return engine.readStream(streamId, fromVersion, maxCount, true);
  }

  /** The stream's events from {@code fromVersion} down, at most {@code maxCount}. */
  public List<RecordedEvent> readStreamBackward(String streamId, long fromVersion, int maxCount) {
    return engine.readStream(streamId, fromVersion, maxCount, false);
  }

  /** The stream's version (its last event's), or -1 when it has no events or was deleted. */
  public long streamVersion(String streamId) {
    return engine.stream(streamId).map(s -> s.deleted() ? -1 : s.version()).orElse(-1L);
  }

  /** True when the stream has events and is not deleted. */
  public boolean streamExists(String streamId) {
    return streamVersion(streamId) >= 0;
  }

  /** The stream's row, deleted streams included; empty when it never had an event. */
  public Optional<StreamInfo> describeStream(String streamId) {
    return engine.stream(streamId);
  }

  /**
   * Streams in id order, those starting with {@code prefix} (all when null), after the id {@code
   * after} (from the first when null): page with the last id of the previous page.
   */
  public List<StreamInfo> listStreams(String prefix, String after, int limit) {
    return engine.streams(prefix, after, limit);
  }

  /**
   * Soft-deletes the stream: it reads as absent, its version as -1; appending with {@link
   * ExpectedVersion#noStream()} or {@code any()} restarts it after its last version. Its events
   * stay in the global order.
   *
   * @throws AppendConflictException when the stream is not at the expected version
   */
  public void deleteStream(String streamId, ExpectedVersion expected) {
    engine.delete(streamId, expected);
  }

  /** Hides the stream's events below {@code beforeVersion} from stream reads. */
  public void truncateStreamBefore(String streamId, long beforeVersion) {
    engine.truncateBefore(streamId, beforeVersion);
  }

  // ---- All events ----

  /**
   * Events in global order from {@code fromPosition}, at most {@code maxCount} passing the filter;
   * continue from the page's {@code nextPosition}.
   */
  public EventPage readAll(long fromPosition, int maxCount, EventFilter filter) {
    return engine.readAll(fromPosition, maxCount, java.util.Objects.requireNonNull(filter));
  }

  /** The position the next event will get: the count of positions ever given. */
  public long endPosition() {
    return engine.endPosition();
  }

  /**
   * A subscription to all events passing the filter from {@code fromPosition}: it reads what is
   * stored, then waits for new events. Close it when done.
   */
  public EventSubscription subscribeToAll(long fromPosition, EventFilter filter) {
    return EventSubscription.toAll(engine, fromPosition, filter);
  }

  /** A subscription to one stream's events from {@code fromVersion}. */
  public EventSubscription subscribeToStream(String streamId, long fromVersion) {
    return EventSubscription.toStream(engine, streamId, fromVersion);
  }

  // ---- Projections ----

  /** A builder of a projection named {@code name}; see {@link Projection}. */
  public Projection.Builder projection(String name) {
    return new Projection.Builder(engine, name);
  }

  /** Every projection the file records: checkpoint, lag, state and last error. */
  public List<ProjectionStatus> projections() {
    return Projection.statuses(engine);
  }

  // ---- Snapshots ----

  /**
   * Saves an aggregate's state as of {@code version} of its stream; a snapshot of a later version
   * already stored is kept instead.
   */
  public void saveSnapshot(String streamId, long version, byte[] data) {
    engine.saveSnapshot(streamId, version, data);
  }

  /** The stream's latest snapshot and the events after it, as of one commit. */
  public AggregateHistory loadAggregate(String streamId) {
    return engine.load(streamId);
  }
}
