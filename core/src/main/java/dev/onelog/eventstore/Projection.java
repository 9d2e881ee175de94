package dev.onelog.eventstore;

import dev.onelog.internal.eventstore.EventStoreEngine;
import dev.onelog.internal.eventstore.ProjectionRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A named projection running in this process: a handler given every event (or those passing a
 * filter) in position order, from the checkpoint the file keeps in {@code es_projections}.
 *
 * <pre>{@code
 * Projection totals = store.projection("order-totals")
 *     .filter(EventFilter.streamPrefix("order-"))
 *     .table("order_totals", t -> "CREATE TABLE " + t + " (order_id TEXT PRIMARY KEY, total INTEGER)")
 *     .handler((event, tx) -> tx.execute(
 *         "INSERT INTO " + tx.table("order_totals") + " VALUES (?, ?) ON CONFLICT DO UPDATE"
 *             + " SET total = total + excluded.total", event.streamId(), amount(event)))
 *     .start();
 * }</pre>
 *
 * <ul>
 *   <li>Writes through the handler's transaction commit with the checkpoint: exactly-once, however
 *       often the process dies. Other effects are at-least-once.
 *   <li>A restart resumes from the checkpoint. {@link #rebuild()} starts over from position 0 into
 *       replacement tables and swaps them in, with the checkpoint, in one transaction once it has
 *       caught up; until then the old tables stay as they were.
 *   <li>A handler that throws stops this projection (others go on): the event's position and the
 *       error are recorded and shown by {@link #status()} and {@link EventStore#projections()}.
 *       Starting it again retries that event.
 * </ul>
 *
 * <p>Thread-safe. Closed with the log, or by {@link #close()}.
 */
public final class Projection implements AutoCloseable {
  private final ProjectionRunner runner;
  private final String name;

  private Projection(ProjectionRunner runner, String name) {
    this.runner = runner;
    this.name = name;
  }

  static List<ProjectionStatus> statuses(EventStoreEngine engine) {
    return engine.projections();
  }

  public String name() {
    return name;
  }

  /** The projection's row: checkpoint, lag, state, last error. */
  public ProjectionStatus status() {
    return runner.status();
  }

  /** True while its thread runs: false once closed or stopped by a failure. */
  public boolean isRunning() {
    return runner.isRunning();
  }

  /**
   * What stopped its thread other than {@link #close()}: the handler's exception, or a storage
   * error; empty while it runs.
   */
  public java.util.Optional<Throwable> failure() {
    return java.util.Optional.ofNullable(runner.stoppedBy());
  }

  /** Starts over from position 0 into replacement tables; see the class comment. */
  public void rebuild() {
    runner.requestRebuild();
  }

  /**
   * Waits until the checkpoint (the active one, not a rebuild's) reaches {@code position}, or the
   * projection stops, or the timeout passes.
   *
   * @return true when it reached the position
   */
  public boolean awaitCheckpoint(long position, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ProjectionStatus status = status();
      if (status.state() == ProjectionState.ACTIVE && status.checkpoint() >= position) {
        return true;
      }
      if (!runner.isRunning() || System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    runner.close();
  }

  /** Builds a projection; {@link #handler} is required. */
  public static final class Builder {
    private final EventStoreEngine engine;
    private final String name;
    private EventFilter filter = EventFilter.ALL;
    private final Map<String, Function<String, String>> tables = new LinkedHashMap<>();
    private ProjectionHandler handler;
    private int batchSize = 500;

    Builder(EventStoreEngine engine, String name) {
      if (name == null || name.isBlank() || name.length() > 200) {
        throw new IllegalArgumentException(
            "a projection name must be 1 to 200 characters, not blank: " + name);
      }
      this.engine = engine;
      this.name = name;
    }

    /** Which events the handler is given; all by default. */
    public Builder filter(EventFilter eventFilter) {
      this.filter = Objects.requireNonNull(eventFilter, "filter");
      return this;
    }

    /**
     * A table the projection writes, created when missing and replaced by a rebuild: {@code ddl}
     * gives the {@code CREATE TABLE} statement for a table name (the table's, or its
     * replacement's).
     */
    public Builder table(String tableName, Function<String, String> ddl) {
      if (tableName == null || !tableName.matches("[A-Za-z][A-Za-z0-9_]{0,100}")) {
        throw new IllegalArgumentException(
            "a projection table name must be a letter then letters, digits or _: " + tableName);
      }
      tables.put(tableName, Objects.requireNonNull(ddl, "ddl"));
      return this;
    }

    public Builder handler(ProjectionHandler eventHandler) {
      this.handler = Objects.requireNonNull(eventHandler, "handler");
      return this;
    }

    /** The most events handled in one transaction (default 500). */
    public Builder batchSize(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("batchSize < 1: " + events);
      }
      this.batchSize = events;
      return this;
    }

    /**
     * Creates its row and tables when missing and starts its thread; a failed projection is retried
     * from the event that failed.
     */
    public Projection start() {
      if (handler == null) {
        throw new IllegalStateException(
            "projection '" + name + "' has no handler; call handler(...) before start()");
      }
      ProjectionRunner runner =
          new ProjectionRunner(engine, name, filter, tables, handler, batchSize);
      runner.start();
      return new Projection(runner, name);
    }
  }
}
