package dev.onelog.internal.eventstore;

import dev.onelog.FileAccessException;
import dev.onelog.Transaction;
import dev.onelog.eventstore.AggregateHistory;
import dev.onelog.eventstore.AppendCondition;
import dev.onelog.eventstore.AppendConflictException;
import dev.onelog.eventstore.AppendResult;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.EventPage;
import dev.onelog.eventstore.ExpectedVersion;
import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.eventstore.Snapshot;
import dev.onelog.eventstore.StreamAppend;
import dev.onelog.eventstore.StreamInfo;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.read.ReaderSessions;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.transaction.CallerTransaction;
import dev.onelog.internal.write.Step;
import dev.onelog.internal.write.StepContext;
import dev.onelog.internal.write.Writer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The event store of one open log, a layer of its {@link LogContext}: sets the file up on first use
 * (the topic and tables, {@link EventTables}), queues appends for the writer ({@link
 * AppendBatcher}), and runs the other writes as steps and the reads on pooled read sessions.
 *
 * <p>Thread-safe: {@code topic} is volatile, set once the file is set up; everything else is final
 * or confined to the writer thread.
 */
public final class EventStoreEngine implements AutoCloseable {
  private final LogContext context;

  /** Null when the log was opened read-only. */
  private final AppendBatcher batcher;

  /** The unindexed events, as the writer knows them; null when read-only. */
  private final EventTail tail;

  /** Null when read-only; scheduled on the writer once the file is set up. */
  private final EventIndexer indexer;

  /** The event topic, once the tables and topic are known to exist. */
  private volatile TopicMeta topic;

  private EventStoreEngine(LogContext context) {
    this.context = context;
    boolean readOnly = context.options().readOnly();
    this.tail = readOnly ? null : new EventTail();
    this.indexer = readOnly ? null : new EventIndexer(this::topic, tail);
    if (tail != null) {
      tail.onAppended(indexer::appended);
    }
    this.batcher = readOnly ? null : new AppendBatcher(context.writer(), this::topic, tail);
  }

  /** The engine of the log, created (and the file set up when writable) on first use. */
  public static EventStoreEngine of(LogContext context) {
    EventStoreEngine engine = context.layer(EventStoreEngine.class, EventStoreEngine::new);
    engine.ensureSetUp();
    return engine;
  }

  public LogContext context() {
    return context;
  }

  private void ensureSetUp() {
    if (topic != null || context.options().readOnly()) {
      return;
    }
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  EventTables.setUp(tx, context.catalog());
                  return null;
                },
                "setting up the event store"));
    topic = context.topic(EventTables.TOPIC);
    context.writer().schedule(indexer);
  }

  /**
   * The event topic.
   *
   * @throws FileAccessException when the file has no event store and the log is read-only
   */
  public TopicMeta topic() {
    TopicMeta known = topic;
    if (known == null) {
      known = context.catalog().cached(EventTables.TOPIC);
      if (known == null) {
        known =
            context.read(
                "looking up the event store",
                s ->
                    dev.onelog.internal.storage.TopicCatalog.read(
                        s.connection(), EventTables.TOPIC));
      }
      if (known == null) {
        throw new FileAccessException(
            "the file "
                + context.options().path()
                + " has no event store yet; open it writable once (EventStore.of(log)) to create"
                + " it");
      }
      topic = known;
    }
    return known;
  }

  /** True when the file holds the event store's tables (a read-only log may find none). */
  boolean hasTables() {
    return topic != null
        || context.read("looking up the event store", s -> EventTables.exists(s.connection()));
  }

  // ---- Appends ----

  public CompletableFuture<List<AppendResult>> appendAsync(
      List<StreamAppend> appends, AppendCondition condition) {
    if (batcher == null) {
      context.writer(); // throws: read-only
    }
    return batcher.submit(prepare(appends, condition));
  }

  /** Appends inside a caller's transaction body; its refusal is thrown into the body. */
  public List<AppendResult> append(
      Transaction tx, List<StreamAppend> appends, AppendCondition condition) {
    StepContext step = CallerTransaction.stepOf(tx, context);
    PendingAppend pending = prepare(appends, condition);
    try {
      AppendSession session = AppendSession.begin(step, topic(), tail);
      List<AppendResult> results = session.appendChecked(pending);
      session.finish();
      return results;
    } catch (SQLException e) {
      step.statements().invalidate(e);
      throw context.translate(e, "appending events inside a transaction");
    }
  }

  private PendingAppend prepare(List<StreamAppend> appends, AppendCondition condition) {
    context.ensureOpen();
    if (appends.isEmpty()) {
      throw new IllegalArgumentException("nothing to append: give at least one stream's events");
    }
    Set<String> streams = new HashSet<>();
    Set<java.util.UUID> ids = new HashSet<>();
    long nowMs = context.options().clock().millis();
    int maxBytes = context.options().maxRecordSizeBytes();
    List<List<EventCodec.Prepared>> prepared = new ArrayList<>(appends.size());
    for (StreamAppend append : appends) {
      if (!streams.add(append.streamId())) {
        throw new IllegalArgumentException(
            "stream '"
                + append.streamId()
                + "' appears twice in one append; put its events in one StreamAppend");
      }
      List<EventCodec.Prepared> events = new ArrayList<>(append.events().size());
      for (EventData event : append.events()) {
        if (!ids.add(event.id())) {
          throw new IllegalArgumentException(
              "event id " + event.id() + " appears twice in one append");
        }
        events.add(EventCodec.prepare(event, append.streamId(), nowMs, maxBytes));
      }
      prepared.add(events);
    }
    return new PendingAppend(List.copyOf(appends), prepared, condition);
  }

  // ---- Stream changes ----

  /** Soft-deletes the stream: it reads as absent until an append restarts it. */
  public void delete(String streamId, ExpectedVersion expected) {
    StreamAppend.checkStreamId(streamId);
    write(
        "deleting stream " + streamId,
        tx -> {
          indexer.indexAll(tx); // the stream's row must hold all its events
          StreamState state = StreamQueries.load(tx.statements(), streamId);
          long actual = state == null ? -1 : state.actualVersion();
          if (!expected.matches(actual)) {
            throw AppendConflictException.version(
                streamId, expected, actual, state != null && state.deleted);
          }
          if (state == null || state.deleted) {
            return null;
          }
          state.deleted = true;
          state.truncateBefore = state.version + 1;
          StreamQueries.store(tx.statements(), List.of(state), tx.nowMs());
          return null;
        });
  }

  /** Hides the stream's events below {@code beforeVersion}. */
  public void truncateBefore(String streamId, long beforeVersion) {
    StreamAppend.checkStreamId(streamId);
    if (beforeVersion < 0) {
      throw new IllegalArgumentException("beforeVersion < 0: " + beforeVersion);
    }
    write(
        "truncating stream " + streamId,
        tx -> {
          indexer.indexAll(tx); // the stream's row must hold all its events
          StreamState state = StreamQueries.load(tx.statements(), streamId);
          if (state == null) {
            throw new IllegalArgumentException(
                "stream '" + streamId + "' does not exist; there is nothing to truncate");
          }
          if (beforeVersion > state.version + 1) {
            throw new IllegalArgumentException(
                "stream '"
                    + streamId
                    + "' is at version "
                    + state.version
                    + "; truncate before at most version "
                    + (state.version + 1)
                    + " (hides every event), not "
                    + beforeVersion);
          }
          if (beforeVersion > state.truncateBefore) {
            state.truncateBefore = beforeVersion;
            StreamQueries.store(tx.statements(), List.of(state), tx.nowMs());
          }
          return null;
        });
  }

  // ---- Snapshots ----

  /** Keeps the snapshot unless one of a later version is stored. */
  public void saveSnapshot(String streamId, long version, byte[] data) {
    StreamAppend.checkStreamId(streamId);
    if (version < 0) {
      throw new IllegalArgumentException("snapshot version < 0: " + version);
    }
    java.util.Objects.requireNonNull(data, "data");
    write(
        "saving a snapshot of stream " + streamId,
        tx -> {
          indexer.indexAll(tx); // the stream's row must hold all its events
          StreamState state = StreamQueries.load(tx.statements(), streamId);
          if (state == null || state.version < version) {
            throw new IllegalArgumentException(
                "stream '"
                    + streamId
                    + "' is at version "
                    + (state == null ? -1 : state.version)
                    + "; a snapshot at version "
                    + version
                    + " would cover events that do not exist");
          }
          PreparedStatement upsert =
              tx.statements()
                  .get(
                      "INSERT INTO es_snapshots (stream_id, version, data, saved_at_ms)"
                          + " VALUES (?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET"
                          + " version = excluded.version, data = excluded.data,"
                          + " saved_at_ms = excluded.saved_at_ms"
                          + " WHERE excluded.version >= es_snapshots.version");
          upsert.setString(1, streamId);
          upsert.setLong(2, version);
          upsert.setBytes(3, data);
          upsert.setLong(4, tx.nowMs());
          upsert.executeUpdate();
          return null;
        });
  }

  public AggregateHistory load(String streamId) {
    StreamAppend.checkStreamId(streamId);
    return read(
        "loading stream " + streamId,
        session -> {
          begin(session);
          try {
            Optional<Snapshot> snapshot = snapshot(session, streamId);
            long from = snapshot.map(s -> s.version() + 1).orElse(0L);
            return new AggregateHistory(
                snapshot,
                EventReads.stream(session, topic(), streamId, from, Integer.MAX_VALUE, true));
          } finally {
            commit(session);
          }
        },
        new AggregateHistory(Optional.empty(), List.of()));
  }

  private static Optional<Snapshot> snapshot(StatementCache session, String streamId)
      throws SQLException {
    PreparedStatement select =
        session.get("SELECT version, data, saved_at_ms FROM es_snapshots WHERE stream_id = ?");
    select.setString(1, streamId);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(new Snapshot(streamId, rs.getLong(1), rs.getBytes(2), rs.getLong(3)));
    }
  }

  // ---- Reads ----

  public List<RecordedEvent> readStream(
      String streamId, long fromVersion, int maxCount, boolean forward) {
    StreamAppend.checkStreamId(streamId);
    if (maxCount < 0) {
      throw new IllegalArgumentException("maxCount < 0: " + maxCount);
    }
    return read(
        "reading stream " + streamId,
        session ->
            inTransaction(
                session,
                () ->
                    EventReads.stream(session, topic(), streamId, fromVersion, maxCount, forward)),
        List.of());
  }

  public Optional<StreamInfo> stream(String streamId) {
    StreamAppend.checkStreamId(streamId);
    return read(
        "looking up stream " + streamId,
        session ->
            inTransaction(
                session,
                () -> Optional.ofNullable(StreamQueries.view(session, topic(), streamId).info())),
        Optional.empty());
  }

  public List<StreamInfo> streams(String prefix, String after, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit < 0: " + limit);
    }
    return read(
        "listing streams",
        session ->
            inTransaction(
                session,
                () -> StreamQueries.listWithUnindexed(session, topic(), prefix, after, limit)),
        List.of());
  }

  public EventPage readAll(long fromPosition, int maxCount, EventFilter filter) {
    if (maxCount < 1) {
      throw new IllegalArgumentException("maxCount < 1: " + maxCount);
    }
    return read(
        "reading all events",
        session -> EventReads.all(session, topic(), fromPosition, maxCount, filter),
        new EventPage(List.of(), Math.max(0, fromPosition), true));
  }

  /** The position the next event will get. */
  public long endPosition() {
    if (topic == null && !hasTables()) {
      return 0;
    }
    return read(
        "reading the event store's end", session -> EventReads.endPosition(session, topic()), 0L);
  }

  /** The position of the stream's first event at or above the version; -1 when none yet. */
  public long positionOf(String streamId, long fromVersion) {
    return read(
        "looking up stream " + streamId,
        session ->
            inTransaction(
                session, () -> EventReads.positionOf(session, topic(), streamId, fromVersion)),
        -1L);
  }

  /** Every projection the file records, with its lag from the current end. */
  public List<dev.onelog.eventstore.ProjectionStatus> projections() {
    return read(
        "listing projections",
        s -> ProjectionQueries.list(s, EventReads.endPosition(s, topic())),
        List.of());
  }

  /** The event a record of the event topic holds; null for a record that is not an event. */
  public RecordedEvent decode(dev.onelog.LogRecord record) {
    return EventCodec.decode(record);
  }

  public <T> T read(String doing, ReaderSessions.SqlWork<T> work, T whenNoStore) {
    if (topic == null && !hasTables()) {
      return whenNoStore;
    }
    return context.read(doing, work);
  }

  public <T> T write(String doing, Step<T> work) {
    return LogContext.await(context.writer().submit(work, doing));
  }

  /** A unit of read work that may throw SQLException. */
  private interface SqlRead<T> {
    T get() throws SQLException;
  }

  /** Runs the reads in one read transaction: the index tables and the index position agree. */
  private static <T> T inTransaction(StatementCache session, SqlRead<T> work) throws SQLException {
    begin(session);
    try {
      return work.get();
    } finally {
      commit(session);
    }
  }

  static void begin(StatementCache session) throws SQLException {
    session.get("BEGIN").execute();
  }

  static void commit(StatementCache session) throws SQLException {
    session.get("COMMIT").execute();
  }

  /**
   * Indexes every unindexed event before the log closes, so that a closed file's tables are
   * complete for anyone reading them with SQL; a failure is logged, never thrown (the events are
   * safe in their records, and the next writer indexes them).
   */
  @Override
  public void close() {
    if (indexer == null || topic == null) {
      return;
    }
    Writer writer = context.writerWhileClosing();
    writer.unschedule(indexer);
    try {
      LogContext.await(
          writer.submit(
              tx -> {
                indexer.indexAll(tx);
                return null;
              },
              "indexing the event store before closing"));
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(EventStoreEngine.class)
          .warn("indexing the event store before closing failed; the next writer indexes it", e);
    }
  }
}
