package dev.onelog.internal.write;

import dev.onelog.internal.storage.FileFormat;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets the senders' batches grow a little before the writer commits them, when senders outpace the
 * writer and the batches it took are small: records with keys spread over many partitions leave a
 * few records in each partition's batch, and every batch a commit stores dirties a 16 KiB page of
 * its own (written to the WAL, then checkpointed) however few records it holds. The batches the
 * writer took stay open until it commits ({@link RecordAccumulator#nextGeneration}), so while it
 * waits here the senders' records join them instead of the next commit's. Kafka's producer does the
 * same with {@code linger.ms}; here the wait is only taken under back-pressure, so a program that
 * sends slower than the writer commits never waits (docs/BENCHMARKS.md, "Linger").
 *
 * <p>Each wait ends at the first of: {@link #MAX_NANOS}; a request other than a batch (a
 * synchronous append, a transaction, a flush, close); the queue's budget seven-eighths full (the
 * senders would block, and the commit would no longer overlap their work); the senders adding
 * nothing for a {@link #STEP_NANOS}; the batches averaging a page.
 *
 * <p>Not thread-safe: the holder of the writer's turn alone.
 */
final class Linger {
  /** Fewer batches than this in a commit are never waited for: their pages are few. */
  static final int MIN_BATCHES = 16;

  /** The longest wait for a commit. */
  static final long MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

  /** How long each look at the queue sleeps. */
  static final long STEP_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final WriteQueue queue;
  private final Semaphore budget;
  private final int maxQueuedBytes;

  /** Senders were blocked on the full queue when the last turn ended. */
  private boolean sendersWaited;

  Linger(WriteQueue queue, Semaphore budget, int maxQueuedBytes) {
    this.queue = queue;
    this.budget = budget;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** Called as a turn ends, before its requests' room is given back. */
  void turnEnding() {
    sendersWaited = budget.hasQueuedThreads();
  }

  /**
   * Holding the turn with {@code drained} taken from the queue: waits while waiting pays (see the
   * class), draining what comes meanwhile, up to {@code maxRequests} in all.
   */
  void await(List<WriteRequest> drained, int maxRequests) {
    if (!sendersWaited || !onlyBatches(drained, 0)) {
      return;
    }
    long deadline = System.nanoTime() + MAX_NANOS;
    long used = used();
    while (worthWaiting(drained.size(), used, maxQueuedBytes) && deadline - System.nanoTime() > 0) {
      LockSupport.parkNanos(this, STEP_NANOS);

      int before = drained.size();
      queue.drainTo(drained, maxRequests - before);
      long now = used();
      if (now == used || !onlyBatches(drained, before) || drained.size() >= maxRequests) {
        return;
      }
      used = now;
    }
  }

  /**
   * True when a commit of {@code batches} batches, holding {@code usedBytes} of the queue's budget
   * between them, would store batches under a page each, and the budget has room for more.
   */
  static boolean worthWaiting(int batches, long usedBytes, int maxQueuedBytes) {
    return batches >= MIN_BATCHES
        && usedBytes < (long) batches * FileFormat.PAGE_SIZE_BYTES
        && usedBytes < maxQueuedBytes - maxQueuedBytes / 8;
  }

  private long used() {
    return maxQueuedBytes - (long) budget.availablePermits();
  }

  private static boolean onlyBatches(List<WriteRequest> drained, int from) {
    for (int i = from; i < drained.size(); i++) {
      if (!(drained.get(i) instanceof OpenBatch)) {
        return false;
      }
    }
    return true;
  }
}
