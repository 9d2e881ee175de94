package dev.onelog.internal.write;

import dev.onelog.LogClosedException;
import dev.onelog.OneLogException;
import dev.onelog.RecordMetadata;
import dev.onelog.internal.LogOptions;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of an open log that writes, and its queue: group commit. Senders on any thread
 * enqueue requests; the writer takes everything queued (up to {@link #MAX_REQUESTS_PER_COMMIT}),
 * writes it in one transaction and then completes the futures, so an fsync is shared by every
 * request queued at the time.
 *
 * <p>Thread-safe. Back-pressure: a sender blocks while the queued requests hold more than {@code
 * maxQueuedBytes} of keys, values and headers; memory is bounded, never the caller's count of
 * sends. The connection and its statements belong to the writer thread alone.
 *
 * <pre>
 * OPEN --close()--> CLOSING (Shutdown queued: everything before it still commits)
 *      --writer takes Shutdown--> STOPPED (later requests fail with LogClosedException)
 * </pre>
 */
public final class Writer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  /**
   * A transaction holds at most this many requests; measured: 10,000-row commits amortise the
   * fsync.
   */
  static final int MAX_REQUESTS_PER_COMMIT = 10_000;

  private final LogOptions options;
  private final Connection connection;
  private final StatementCache statements;
  private final CommitSignal signal;
  private final LinkedBlockingQueue<WriteRequest> queue = new LinkedBlockingQueue<>();
  private final Semaphore budget;
  private final Thread thread;
  private final AppendTransaction transaction;

  /** Set by the writer thread when it stops taking requests. */
  private volatile boolean stopped;

  /** Why the writer thread stopped, when an Error stopped it; written before {@code stopped}. */
  private volatile Error failure;

  /** Set by close(); guarded by this. */
  private boolean closing;

  /**
   * @param topicGone told the name of a topic whose partitions vanished from the file (another
   *     process deleted it), before the requests for it fail, so that a resend looks it up afresh
   */
  public Writer(
      LogOptions options,
      Connection connection,
      CommitSignal signal,
      java.util.function.Consumer<String> topicGone) {
    this.options = options;
    this.connection = connection;
    this.statements = new StatementCache(connection, 256);
    this.signal = signal;
    this.budget = new Semaphore(options.maxQueuedBytes());
    this.transaction = new AppendTransaction(statements, topicGone);
    this.thread = new Thread(this::run, "onelog-writer-" + options.path().getFileName());
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public CompletableFuture<RecordMetadata> append(EncodedRecord record) {
    AppendRequest.Single request = new AppendRequest.Single(record);
    submit(request);
    return request.future;
  }

  /** The records commit together or not at all. */
  public CompletableFuture<List<RecordMetadata>> append(EncodedRecord[] records) {
    AppendRequest.Batch request = new AppendRequest.Batch(records);
    submit(request);
    return request.future;
  }

  /** Runs {@code work} on the writer thread inside a transaction of its own. */
  public <T> CompletableFuture<T> admin(AdminRequest.Work<T> work, String description) {
    AdminRequest<T> request = new AdminRequest<>(work, description);
    submit(request);
    return request.future;
  }

  /** Completes when everything submitted before it has committed (or failed). */
  public CompletableFuture<Void> barrier() {
    return admin(null, "flush");
  }

  private void submit(WriteRequest request) {
    if (stopped) {
      throw failure == null ? closed() : writerFailed();
    }
    int permits = permits(request);
    try {
      budget.acquire(permits);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OneLogException(
          "interrupted while waiting for room in the write queue of " + options.path(), e);
    }
    queue.add(request);
    if (stopped) {
      // The writer may have drained the queue before our add; fail what it left.
      failRemaining();
    }
  }

  private int permits(WriteRequest request) {
    return Math.min(request.weightBytes, options.maxQueuedBytes());
  }

  private LogClosedException closed() {
    return new LogClosedException(
        "the log " + options.path() + " is closed; open it again to append");
  }

  private void run() {
    List<WriteRequest> drained = new ArrayList<>();
    List<AppendRequest> appends = new ArrayList<>();
    boolean shutdown = false;
    try {
      while (!shutdown) {
        try {
          drained.add(queue.take());
        } catch (InterruptedException e) {
          continue; // only close() stops the writer, through the Shutdown request
        }
        queue.drainTo(drained, MAX_REQUESTS_PER_COMMIT - 1);
        try {
          shutdown = process(drained, appends);
        } catch (Error e) {
          failure = e;
          drained.forEach(request -> request.fail(writerFailed()));
          throw e;
        } finally {
          long released = 0;
          for (WriteRequest request : drained) {
            released += permits(request);
          }
          budget.release((int) released);
          drained.clear();
          appends.clear();
        }
      }
    } catch (Error e) {
      // Out of memory or worse: the requests in hand were failed above; none may wait for a
      // writer that is gone, so the ones still queued are failed below.
      log.error("the writer of {} stopped", options.path(), e);
    } finally {
      stopped = true;
      budget.release(
          Integer.MAX_VALUE / 2); // wake senders blocked on a full queue; they fail below
      failRemaining();
    }
  }

  /** Runs what was drained, in order; true when it held the Shutdown request. */
  private boolean process(List<WriteRequest> drained, List<AppendRequest> appends) {
    boolean shutdown = false;
    for (WriteRequest request : drained) {
      if (request instanceof AppendRequest append) {
        appends.add(append);
        continue;
      }
      commitAppends(appends);
      if (request instanceof AdminRequest<?> admin) {
        runAdmin(admin);
      } else {
        shutdown = true;
      }
    }
    commitAppends(appends);
    return shutdown;
  }

  private OneLogException writerFailed() {
    return new OneLogException(
        "the writer of "
            + options.path()
            + " stopped after "
            + failure
            + "; close the log and open it again",
        failure);
  }

  private void failRemaining() {
    for (WriteRequest request; (request = queue.poll()) != null; ) {
      request.fail(failure == null ? closed() : writerFailed());
    }
  }

  private void commitAppends(List<AppendRequest> appends) {
    if (appends.isEmpty()) {
      return;
    }
    List<AppendTransaction.Completion> completions;
    try {
      completions = transaction.run(appends);
    } catch (SQLException e) {
      OneLogException failure =
          SqliteErrors.translate(
              e,
              options.path(),
              options.busyTimeout(),
              "appending " + appends.size() + " request(s)");
      appends.forEach(request -> request.fail(failure));
      appends.clear();
      return;
    } catch (RuntimeException e) {
      log.error("append transaction failed on {}", options.path(), e);
      appends.forEach(request -> request.fail(e));
      appends.clear();
      return;
    }
    appends.clear();
    signal.committed();
    for (AppendTransaction.Completion completion : completions) {
      completion.request().complete(completion.metadata());
    }
  }

  private <T> void runAdmin(AdminRequest<T> request) {
    if (request.work == null) {
      request.future.complete(null);
      return;
    }
    T result;
    try (Statement s = connection.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        result = request.work.run(connection);
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException | Error e) {
        try {
          s.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        statements.invalidate(e);
        throw e;
      }
    } catch (SQLException e) {
      request.fail(
          SqliteErrors.translate(e, options.path(), options.busyTimeout(), request.description));
      return;
    } catch (RuntimeException e) {
      request.fail(e);
      return;
    }
    try {
      statements.clear(); // statements on dropped tables would otherwise linger
    } catch (SQLException e) {
      log.warn("closing cached statements failed on {}", options.path(), e);
    }
    signal.committed();
    request.future.complete(result);
  }

  /**
   * Commits everything queued, stops the thread, checkpoints the WAL into the file and closes the
   * connection. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (!closing) {
        closing = true;
        queue.add(new WriteRequest.Shutdown());
      }
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      try {
        if (!connection.isClosed()) {
          try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(PASSIVE)");
          } catch (SQLException e) {
            // Best effort: closing the last connection checkpoints anyway, and the WAL is part
            // of the database until then.
            log.warn("checkpoint on close of {} failed", options.path(), e);
          }
        }
        statements.close();
      } catch (SQLException e) {
        throw SqliteErrors.translate(e, options.path(), options.busyTimeout(), "closing the log");
      }
    }
  }
}
