package dev.onelog.internal.write;

import dev.onelog.Durability;
import dev.onelog.OneLogException;
import dev.onelog.RecordMetadata;
import dev.onelog.internal.LogOptions;
import dev.onelog.internal.Threads;
import dev.onelog.internal.storage.FileFormat;
import dev.onelog.internal.storage.SqliteErrors;
import dev.onelog.internal.storage.StatementCache;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of an open log that writes, and its queue: group commit. Callers on any thread
 * enqueue requests; the writer takes everything queued (up to {@link #MAX_REQUESTS_PER_COMMIT}) and
 * runs it all as the steps of one transaction ({@link GroupCommit}), so an fsync is shared by every
 * request queued at the time; then each {@link Maintenance} task that is due, as the lone step of a
 * transaction of its own. When nothing is queued it waits only until the next task is due; while
 * senders are blocked on a full queue and the batches it took are small, it first lets them grow
 * for up to a few milliseconds ({@link Linger}).
 *
 * <p>Why maintenance does not share the callers' transaction: a step that shares a transaction runs
 * in a savepoint, and SQLite copies every page a savepoint changes into its statement journal
 * first. Measured, a key-index generation cost 2.3x as much inside a savepoint (sorted inserts into
 * a WITHOUT ROWID table with an index, 6.8 against 2.8 us a row), and the callers' appends sharing
 * a commit with a compaction slice paid the same for their pages; apart, both run without one (a
 * lone step needs no savepoint), at the price of a second commit when a task is due; a task whose
 * writes can be redone commits without the fsync ({@link Maintenance#redoable}).
 *
 * <p>A caller that waits for its own append ({@link #appendAndWait}) while the writer idles with
 * nothing queued commits it on its own thread instead, taking the writer's {@link #turn}: whoever
 * holds the turn drains the queue and uses the connection, so requests keep queue order whichever
 * thread commits them.
 *
 * <p>Thread-safe. Back-pressure: a sender blocks while the queued requests hold more than {@code
 * maxQueuedBytes} of keys, values and headers; memory is bounded, never the caller's count of
 * sends. The connection and its statements belong to the holder of the turn alone.
 *
 * <pre>
 * OPEN --close()--> CLOSING (Shutdown queued: everything before it still commits)
 *      --writer takes Shutdown--> STOPPED (later requests fail with LogClosedException)
 * OPEN --a commit meets an I/O error--> STOPPED (later requests fail with LogIOException)
 * </pre>
 */
public final class Writer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  /** A transaction holds at most this many requests; measured: 10,000 amortise the fsync. */
  static final int MAX_REQUESTS_PER_COMMIT = 10_000;

  private final LogOptions options;
  private final Connection connection;
  private final StatementCache statements;
  private final CommitSignal signal;
  private final WriteQueue queue = new WriteQueue();

  /**
   * Who uses the connection now: the writer thread, or a synchronous caller committing its own
   * request on its own thread ({@link #appendAndWait}). Whoever holds it drains the queue.
   */
  private final ReentrantLock turn = new ReentrantLock();

  /**
   * Set while holding {@link #turn} once no one may take another turn: the writer took Shutdown, or
   * a caller's commit met an I/O error and the writer thread must stop.
   */
  private volatile boolean finished;

  private final Semaphore budget;
  private final Linger linger;
  private final Thread thread;
  private final WriteFailures failures;
  private final AppendStep.Scratch scratch = new AppendStep.Scratch();
  private final java.util.function.Consumer<String> topicGone;
  private final GroupCommit groupCommit;
  private final Completions completions;
  private final List<Maintenance> maintenance = new CopyOnWriteArrayList<>();
  private final RecordAccumulator accumulator = new RecordAccumulator(this::queueBatch);

  /**
   * Prepared statements the writer keeps: an insert per partition it appends to, and the layers'
   * own. With 256, appends over 1,000 partitions prepared an insert for almost every row (14% of
   * the writer's CPU, docs/BENCHMARKS.md "Many partitions").
   */
  static final int WRITER_STATEMENTS = 4096;

  /** What the checkpointer is told a maintenance task's commit wrote: its pages are not counted. */
  static final long MAINTENANCE_BYTES = 4L * FileFormat.PAGE_SIZE_BYTES;

  /** Copies the WAL into the file off the writer; null when it could not start. Set by start(). */
  private volatile Checkpointer checkpointer;

  /** Requests of the last turn (more than one: callers share commits); guarded by the turn. */
  private int lastTurnRequests;

  /** The turn's requests no commit has settled yet, failed if the turn stops; guarded by it. */
  private List<? extends WriteRequest> unsettled = List.of();

  /** Set by the writer thread when it stops taking requests. */
  private volatile boolean stopped;

  /** Why the writer stopped, when an Error or an I/O error stopped it; set before stopped. */
  private volatile Throwable failure;

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
    this.statements = new StatementCache(connection, WRITER_STATEMENTS);
    this.signal = signal;
    this.budget = new Semaphore(options.maxQueuedBytes());
    this.linger = new Linger(queue, budget, options.maxQueuedBytes());
    this.failures = new WriteFailures(options.path(), options.busyTimeout());
    this.topicGone = topicGone;
    this.completions = new Completions(options.path().getFileName().toString());
    this.groupCommit =
        new GroupCommit(
            statements,
            failures,
            options.clock(),
            new AppendStep(new AppendStep.Scratch(), topicGone),
            completions);
    this.thread = new Thread(this::run, "onelog-writer-" + options.path().getFileName());
    this.thread.setDaemon(true);
  }

  public void start() {
    checkpointer = Checkpointer.start(options, connection);
    thread.start();
  }

  /**
   * Adds the record to its partition's open batch ({@link RecordAccumulator}); the writer stores
   * the batch with the next group commit.
   */
  public CompletableFuture<RecordMetadata> append(EncodedRecord record) {
    int permits =
        Math.min(record.sizeInBytes() + AppendRequest.OVERHEAD_BYTES, options.maxQueuedBytes());
    acquire(permits);
    return accumulator.add(record, permits);
  }

  /** Queues a batch the accumulator started; its sender holds the permits. */
  private void queueBatch(OpenBatch batch) {
    queue.add(batch);
    if (stopped) {
      failRemaining(); // the writer may have drained the queue before our add
    }
  }

  /** The records commit together or not at all. */
  public CompletableFuture<List<RecordMetadata>> append(EncodedRecord[] records) {
    AppendRequest.Batch request = new AppendRequest.Batch(records);
    submit(request);
    return request.future;
  }

  /**
   * Runs {@code work} as a step of the next group commit; the future completes after the commit.
   *
   * @param description completes "while ..." in error messages: "creating topic orders"
   */
  public <T> CompletableFuture<T> submit(Step<T> work, String description) {
    StepRequest<T> request = new StepRequest<>(work, description);
    submit(request);
    return request.future;
  }

  /** Completes when everything submitted before it has committed (or failed). */
  public CompletableFuture<Void> barrier() {
    WriteRequest.Barrier request = new WriteRequest.Barrier();
    submit(request);
    return request.future;
  }

  /** Runs {@code task} whenever it is due, until {@link #unschedule}d. */
  public void schedule(Maintenance task) {
    maintenance.add(task);
    wake();
  }

  public void unschedule(Maintenance task) {
    maintenance.remove(task);
  }

  /** Makes the writer look at its maintenance tasks' due times again, without a transaction. */
  public void wake() {
    if (!stopped) {
      queue.add(new WriteRequest.Wake());
    }
  }

  /** As {@link #append(EncodedRecord)}, for a caller that waits: see {@link #commitIfIdle}. */
  public CompletableFuture<RecordMetadata> appendAndWait(EncodedRecord record) {
    AppendRequest.Batch request = new AppendRequest.Batch(new EncodedRecord[] {record});
    return commitIfIdle(request)
        ? request.future.thenApply(stored -> stored.get(0))
        : append(record);
  }

  /** As {@link #append(EncodedRecord[])}, for a caller that waits: see {@link #commitIfIdle}. */
  public CompletableFuture<List<RecordMetadata>> appendAndWait(EncodedRecord[] records) {
    AppendRequest.Batch request = new AppendRequest.Batch(records);
    if (!commitIfIdle(request)) {
      submit(request);
    }
    return request.future;
  }

  /** As {@link #submit(Step, String)}, for a caller that waits: see {@link #commitIfIdle}. */
  public <T> CompletableFuture<T> submitAndWait(Step<T> work, String description) {
    StepRequest<T> request = new StepRequest<>(work, description);
    if (!commitIfIdle(request)) {
      submit(request);
    }
    return request.future;
  }

  /**
   * Commits the request on the calling thread when the writer is between turns with nothing queued
   * (asleep, or on its way to sleep), no callers are being woken and the last turn committed one
   * request, sparing a lone synchronous caller two thread hand-offs per commit (waking the writer,
   * and being woken by it): measured, a sixth of such a commit's time. Maintenance stays on the
   * writer thread.
   *
   * @return true when it committed (or failed) here, its future complete or completing as the
   *     writer's would; false when the writer is busy, and the caller should queue the request
   */
  private boolean commitIfIdle(WriteRequest request) {
    if (!queue.isEmpty() || !turn.tryLock()) {
      return false;
    }
    boolean committing = false;
    try {
      // Never waits holding the turn: a full queue needs the writer to drain it.
      if (finished
          || lastTurnRequests > 1
          || turn.hasQueuedThreads()
          || !queue.isEmpty()
          || !completions.idle()
          || !budget.tryAcquire(permits(request))) {
        return false;
      }
      committing = true;
      commitOnCallerThread(request);
      return true;
    } finally {
      turn.unlock();
      if (committing) {
        completions.runAfterTurn(); // its own future, now that the turn is free
      }
    }
  }

  /** Holding the turn: commits the request here; stops the writer if the commit must stop it. */
  private void commitOnCallerThread(WriteRequest request) {
    List<WriteRequest> mine = new ArrayList<>(1);
    mine.add(request);
    boolean stop = true;
    try {
      stop = takeTurn(mine, false);
    } finally {
      if (stop) { // an I/O error, or an Error thrown through here
        finished = true;
        queue.wake(thread);
      }
    }
  }

  /** True on the writer thread or a caller holding the turn: waiting for the writer would hang. */
  public boolean isWriterThread() {
    return Thread.currentThread() == thread || turn.isHeldByCurrentThread();
  }

  private void submit(WriteRequest request) {
    acquire(permits(request));
    queue.add(request);
    if (!(request instanceof WriteRequest.Barrier)) {
      // A record this caller sends next must not join a batch queued before this request. Sealed
      // after the add: a batch another sender starts in between is queued after the request, and
      // one started before is sealed.
      accumulator.sealAll();
    }
    if (stopped) {
      // The writer may have drained the queue before our add; fail what it left.
      failRemaining();
    }
  }

  /** Takes room in the write queue, waiting while it is full; fails once the writer stopped. */
  private void acquire(int permits) {
    if (stopped) {
      throw failures.refused(failure);
    }
    try {
      budget.acquire(permits);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OneLogException(
          "interrupted while waiting for room in the write queue of " + options.path(), e);
    }
    if (stopped) {
      // Woken by the writer's stop: pass the permits on to the next blocked sender, and fail.
      budget.release(permits);
      throw failures.refused(failure);
    }
  }

  private int permits(WriteRequest request) {
    return request.permits(options.maxQueuedBytes());
  }

  private void run() {
    List<WriteRequest> drained = new ArrayList<>();
    try {
      while (true) {
        queue.await(MaintenanceStep.nextDueNanos(maintenance));
        turn.lock();
        try {
          if (finished) {
            break;
          }
          queue.drainTo(drained, MAX_REQUESTS_PER_COMMIT);
          linger.await(drained, MAX_REQUESTS_PER_COMMIT);
          long due = MaintenanceStep.nextDueNanos(maintenance);
          if (drained.isEmpty() && (due == Long.MAX_VALUE || due - System.nanoTime() > 0)) {
            continue;
          }
          if (takeTurn(drained, true)) {
            finished = true;
            break;
          }
        } catch (Error e) {
          finished = true;
          throw e;
        } finally {
          turn.unlock();
          completions.runAfterTurn();
        }
      }
    } catch (Error e) {
      // Out of memory or worse: the requests in hand were failed in takeTurn; none may wait for a
      // writer that is gone, so the ones still queued are failed below.
      log.error("the writer of {} stopped", options.path(), e);
    } finally {
      finished = true; // also after an unexpected RuntimeException: no caller commits any more
      stopped = true;
      // Wake senders blocked on a full queue: each passes the permits on and fails (submit). The
      // budget never held more than maxQueuedBytes (at most 1 GiB), so this cannot overflow.
      budget.release(
          Math.min(options.maxQueuedBytes(), Integer.MAX_VALUE - budget.availablePermits()));
      failRemaining();
    }
  }

  /**
   * Holding the turn: commits what was drained (and the maintenance that is due, when {@code
   * maintenance}), then gives back the requests' room in the queue.
   *
   * @return true when the writer must stop: Shutdown was drained, or an I/O error failed a commit
   */
  private boolean takeTurn(List<WriteRequest> drained, boolean maintenance) {
    unsettled = drained;
    try {
      Checkpointer rounds = checkpointer;
      if (rounds != null) {
        rounds.throwIfFailed();
      }
      boolean shutdown = process(drained, maintenance);
      if (rounds != null) {
        rounds.resetIfWanted(connection);
      }
      return shutdown;
    } catch (Error e) {
      failure = e;
      unsettled.forEach(request -> request.fail(writerFailed()));
      throw e;
    } catch (WriterIoFailure e) {
      log.error("the writer of {} stopped after an I/O error", options.path(), e.getCause());
      failure = e.getCause();
      unsettled.forEach(request -> request.fail(writerFailed()));
      return true;
    } finally {
      unsettled = List.of();
      lastTurnRequests = drained.size();
      linger.turnEnding();
      long released = 0;
      for (WriteRequest request : drained) {
        released += permits(request);
      }
      budget.release((int) released);
      drained.clear();
    }
  }

  /**
   * Runs what was drained, in order, in one transaction, then each maintenance task that is due in
   * a transaction of its own; true when it held the Shutdown request.
   */
  private boolean process(List<WriteRequest> drained, boolean maintenance) {
    accumulator.nextGeneration(); // before any batch taken is sealed
    TurnPlan plan = TurnPlan.of(drained, options.maxQueuedBytes(), scratch, topicGone);
    List<MaintenanceStep> due =
        maintenance ? MaintenanceStep.due(this.maintenance, System.nanoTime()) : List.of();
    try {
      commit(plan.steps(), plan.writtenBytes());
    } catch (WriterIoFailure e) {
      unsettled = plan.barriers(); // the group commit told its steps how they ended
      throw e;
    }
    unsettled = plan.barriers(); // a maintenance commit's failure must not fail committed callers
    for (MaintenanceStep task : due) {
      if (task.task.redoable() && options.durability() == Durability.FSYNC) {
        UnsyncedCommit.run(
            connection, options.path(), () -> commit(List.of(task), MAINTENANCE_BYTES));
      } else {
        commit(List.of(task), MAINTENANCE_BYTES);
      }
    }
    List<WriteRequest.Barrier> barriers = plan.barriers();
    if (!barriers.isEmpty()) {
      // After the completions of what was queued before them.
      completions.complete(
          barriers.size(), () -> barriers.forEach(barrier -> barrier.future.complete(null)));
    }
    return plan.shutdown();
  }

  /**
   * @param written an estimate of the bytes of pages the transaction writes, for the checkpointer
   */
  private void commit(List<TransactionStep> steps, long written) {
    if (!steps.isEmpty() && groupCommit.run(steps) && MaintenanceStep.changedSomething(steps)) {
      signal.committed();
      Checkpointer rounds = checkpointer;
      if (rounds != null) {
        rounds.committed(written);
      }
    }
  }

  private OneLogException writerFailed() {
    return failures.writerStopped(failure);
  }

  private void failRemaining() {
    for (WriteRequest request; (request = queue.poll()) != null; ) {
      request.fail(failures.refused(failure));
    }
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
    Threads.joinUninterruptibly(thread);
    completions.close(); // the callers of the last commits, before close returns
    if (checkpointer != null) {
      checkpointer.close(); // before the last checkpoint, below
    }
    synchronized (this) {
      try {
        if (!connection.isClosed()) {
          Checkpointer.checkpointOnClose(connection, options.path());
        }
        statements.close();
      } catch (SQLException e) {
        throw SqliteErrors.translate(e, options.path(), options.busyTimeout(), "closing the log");
      }
    }
  }
}
