package dev.onelog.internal.eventstore;

import dev.onelog.LogClosedException;
import dev.onelog.LogRecord;
import dev.onelog.ProducerRecord;
import dev.onelog.RecordMetadata;
import dev.onelog.TopicPartition;
import dev.onelog.Transaction;
import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.ProjectionHandler;
import dev.onelog.eventstore.ProjectionState;
import dev.onelog.eventstore.ProjectionStatus;
import dev.onelog.eventstore.ProjectionTransaction;
import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.group.ConsumerGroupMetadata;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.Threads;
import dev.onelog.internal.read.PartitionFetcher;
import dev.onelog.internal.transaction.CallerTransaction;
import dev.onelog.internal.write.StepContext;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one projection on a thread of its own ({@code onelog-projection-<name>}): reads events from
 * its checkpoint with a fetcher (woken by commits as consumers are), and hands each batch to the
 * handler in one writer step that also moves the checkpoint, so the handler's writes through its
 * transaction and the checkpoint commit together. The checkpoint moves only from where this runner
 * last saw it ({@link ProjectionQueries#advance}): a second runner of the same projection (another
 * process) makes one of them re-read the checkpoint instead of handling events twice.
 *
 * <p>A batch whose handler throws is rolled back and handled again an event per step, so the events
 * before the failing one are kept; the failing event and the error are recorded (state {@code
 * failed}) and the runner stops. A rebuild creates the replacement tables, starts from position 0
 * with the handler writing them, and when it has caught up with the end of the events swaps them in
 * and moves the checkpoint in one step.
 *
 * <p>Thread-safe: {@code closed} and {@code rebuildRequested} are volatile; everything else is the
 * runner thread's.
 */
public final class ProjectionRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProjectionRunner.class);
  private static final TopicPartition EVENTS = new TopicPartition(EventTables.TOPIC, 0);
  private static final String REBUILD_SUFFIX = "_rebuild";

  private final EventStoreEngine engine;
  private final LogContext context;
  private final String name;
  private final EventFilter filter;
  private final Map<String, Function<String, String>> tables;
  private final ProjectionHandler handler;
  private final PartitionFetcher fetcher;
  private final Thread thread;

  private volatile boolean closed;
  private volatile boolean rebuildRequested;
  private volatile Throwable stoppedBy;

  /** The runner thread's view of its row. */
  private boolean rebuilding;

  private long position;

  public ProjectionRunner(
      EventStoreEngine engine,
      String name,
      EventFilter filter,
      Map<String, Function<String, String>> tables,
      ProjectionHandler handler,
      int batchSize) {
    this.engine = engine;
    this.context = engine.context();
    this.name = name;
    this.filter = filter;
    this.tables = Map.copyOf(tables);
    this.handler = handler;
    this.fetcher = new PartitionFetcher(context, "projection " + name);
    this.fetcher.maxPollRecords(batchSize);
    this.thread = new Thread(this::run, "onelog-projection-" + name);
    this.thread.setDaemon(true);
  }

  /** Creates its row and tables, then starts the thread. */
  public void start() {
    engine.write(
        "starting projection " + name,
        tx -> {
          ProjectionQueries.start(tx.statements(), name, tx.nowMs());
          createTables(tx, false);
          return null;
        });
    ProjectionStatus row = status();
    rebuilding = row.state() == ProjectionState.REBUILDING;
    position = rebuilding ? row.rebuildCheckpoint() : row.checkpoint();
    fetcher.assign(EVENTS, position);
    context.attach(this);
    thread.start();
  }

  public ProjectionStatus status() {
    return engine.read(
        "describing projection " + name,
        s -> ProjectionQueries.find(s, name, EventReads.endPosition(s, engine.topic())),
        null);
  }

  public void requestRebuild() {
    rebuildRequested = true;
  }

  /** True while the thread runs: not closed, not stopped by a failure. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /** What stopped the runner other than close (a failing handler, a storage error); or null. */
  public Throwable stoppedBy() {
    return stoppedBy;
  }

  private void run() {
    try {
      while (!closed) {
        if (rebuildRequested) {
          rebuildRequested = false;
          beginRebuild();
        }
        List<LogRecord> records = fetcher.poll(Duration.ofMillis(200), null);
        if (records.isEmpty()) {
          if (rebuilding && position >= engine.endPosition()) {
            finishRebuild();
          }
          continue;
        }
        long next = records.get(records.size() - 1).offset() + 1;
        List<RecordedEvent> events = new ArrayList<>(records.size());
        for (LogRecord record : records) {
          RecordedEvent event = EventCodec.decode(record);
          if (event != null && filter.matches(event)) {
            events.add(event);
          }
        }
        if (!handle(events, next)) {
          return;
        }
      }
    } catch (LogClosedException e) {
      // the log closed under the runner: nothing to record
    } catch (RuntimeException | Error e) {
      stoppedBy = e;
      log.error("projection {} stopped", name, e);
    }
  }

  /**
   * Handles a batch and moves the checkpoint to {@code next}; false when a handler failure stopped
   * the projection.
   */
  private boolean handle(List<RecordedEvent> events, long next) {
    try {
      step(events, position, next);
      position = next;
      return true;
    } catch (HandlerFailed batchFailure) {
      // Keep the events before the failing one: one step each, up to it.
      for (RecordedEvent event : events) {
        try {
          step(List.of(event), position, event.position() + 1);
          position = event.position() + 1;
        } catch (HandlerFailed failed) {
          recordFailure(failed);
          return false;
        }
      }
      step(List.of(), position, next); // the failure did not repeat: carry on
      position = next;
      return true;
    } catch (ProjectionQueries.CheckpointMoved moved) {
      reload();
      return true;
    }
  }

  private void step(List<RecordedEvent> events, long from, long to) {
    boolean inRebuild = rebuilding;
    engine.write(
        "running projection " + name,
        tx -> {
          if (!events.isEmpty()) {
            CallerTransaction.run(
                context,
                tx,
                caller -> {
                  Mapped mapped = new Mapped(caller, inRebuild);
                  for (RecordedEvent event : events) {
                    try {
                      handler.handle(event, mapped);
                    } catch (Exception e) {
                      throw new HandlerFailed(event, e);
                    }
                  }
                  return null;
                });
          }
          ProjectionQueries.advance(tx.statements(), name, inRebuild, from, to, tx.nowMs());
          return null;
        });
  }

  private void recordFailure(HandlerFailed failed) {
    Throwable cause = failed.getCause();
    String error = cause.getClass().getName() + ": " + cause.getMessage();
    engine.write(
        "recording the failure of projection " + name,
        tx -> {
          ProjectionQueries.fail(tx.statements(), name, failed.event.position(), error, tx.nowMs());
          return null;
        });
    stoppedBy = cause;
    log.error(
        "projection {} stopped at position {}: its handler threw",
        name,
        failed.event.position(),
        cause);
  }

  private void reload() {
    ProjectionStatus row = status();
    rebuilding = row.state() == ProjectionState.REBUILDING;
    position = rebuilding ? row.rebuildCheckpoint() : row.checkpoint();
    fetcher.seek(EVENTS, position);
  }

  private void beginRebuild() {
    engine.write(
        "rebuilding projection " + name,
        tx -> {
          createTables(tx, true);
          ProjectionQueries.startRebuild(tx.statements(), name, tx.nowMs());
          return null;
        });
    rebuilding = true;
    position = 0;
    fetcher.seek(EVENTS, 0);
  }

  private void finishRebuild() {
    engine.write(
        "swapping in the rebuilt tables of projection " + name,
        tx -> {
          tx.schemaChanged();
          // The projection's own validated names, run directly: the guard of callers' SQL refuses
          // a rename, which rewrites the schema table.
          try (java.sql.Statement s = tx.connection().createStatement()) {
            for (String table : tables.keySet()) {
              s.execute("DROP TABLE IF EXISTS " + table);
              s.execute("ALTER TABLE " + table + REBUILD_SUFFIX + " RENAME TO " + table);
            }
          }
          ProjectionQueries.finishRebuild(tx.statements(), name, tx.nowMs());
          return null;
        });
    rebuilding = false;
  }

  /** Creates the projection's tables, or with {@code replacements} their replacements, afresh. */
  private void createTables(StepContext tx, boolean replacements) throws SQLException {
    if (tables.isEmpty()) {
      return;
    }
    tx.schemaChanged();
    CallerTransaction.run(
        context,
        tx,
        caller -> {
          for (Map.Entry<String, Function<String, String>> table : tables.entrySet()) {
            String actual = table.getKey() + (replacements ? REBUILD_SUFFIX : "");
            if (replacements) {
              try (java.sql.Statement s = tx.connection().createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + actual);
              }
            }
            if (caller
                .query(
                    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                    row -> 1,
                    actual)
                .isEmpty()) {
              caller.execute(table.getValue().apply(actual));
            }
          }
          return null;
        });
  }

  @Override
  public void close() {
    closed = true;
    fetcher.close();
    if (Thread.currentThread() != thread) {
      Threads.joinUninterruptibly(thread);
    }
    context.detach(this);
  }

  /** A handler's exception, with the event it was handling. */
  private static final class HandlerFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RecordedEvent event;

    HandlerFailed(RecordedEvent event, Exception cause) {
      super("the handler threw at " + event + ": " + cause, cause);
      this.event = event;
    }
  }

  /** The caller transaction with the projection's table names. */
  private final class Mapped implements ProjectionTransaction {
    private final Transaction tx;
    private final boolean replacements;

    Mapped(Transaction tx, boolean replacements) {
      this.tx = tx;
      this.replacements = replacements;
    }

    @Override
    public String table(String table) {
      if (!tables.containsKey(table)) {
        throw new IllegalArgumentException(
            "projection '"
                + name
                + "' declares no table '"
                + table
                + "'; declared: "
                + tables.keySet()
                + ". Declare it with Projection.Builder.table(name, ddl)");
      }
      return replacements ? table + REBUILD_SUFFIX : table;
    }

    @Override
    public RecordMetadata send(ProducerRecord record) {
      return tx.send(record);
    }

    @Override
    public List<RecordMetadata> send(List<ProducerRecord> records) {
      return tx.send(records);
    }

    @Override
    public long appendBatch(TopicPartition partition, byte[] batch) {
      return tx.appendBatch(partition, batch);
    }

    @Override
    public int execute(String sql, Object... args) {
      return tx.execute(sql, args);
    }

    @Override
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
      return tx.query(sql, mapper, args);
    }

    @Override
    public void commitOffsets(
        ConsumerGroupMetadata member, Map<TopicPartition, OffsetAndMetadata> offsets) {
      tx.commitOffsets(member, offsets);
    }

    @Override
    public void commitOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
      tx.commitOffsets(groupId, offsets);
    }
  }
}
