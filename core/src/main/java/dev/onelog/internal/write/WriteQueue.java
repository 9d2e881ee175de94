package dev.onelog.internal.write;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The requests waiting for the writer, and the writer's sleep until one comes. Unlike a blocking
 * queue's take, waiting here removes nothing: whoever holds the writer's turn drains the queue, so
 * a request never sits in a thread's hands outside the turn (where a caller committing its own
 * request could overtake it).
 *
 * <p>Thread-safe: any thread adds; one thread sleeps in {@link #await}. An add and the sleeper's
 * look at the queue are both volatile accesses, so an add either sees the sleeper and wakes it or
 * happens before the sleeper's look.
 */
final class WriteQueue {
  private final ConcurrentLinkedQueue<WriteRequest> requests = new ConcurrentLinkedQueue<>();

  /** The thread parked in {@link #await}, or null. */
  private volatile Thread sleeper;

  void add(WriteRequest request) {
    requests.add(request);
    Thread waiting = sleeper;
    if (waiting != null) {
      LockSupport.unpark(waiting);
    }
  }

  boolean isEmpty() {
    return requests.isEmpty();
  }

  WriteRequest poll() {
    return requests.poll();
  }

  /** Moves up to {@code max} requests, oldest first, into {@code into}. */
  void drainTo(List<WriteRequest> into, int max) {
    for (int i = 0; i < max; i++) {
      WriteRequest request = requests.poll();
      if (request == null) {
        return;
      }
      into.add(request);
    }
  }

  /**
   * Parks the calling thread until a request is queued, {@code dueAtNanos} passes ({@code
   * Long.MAX_VALUE}: never) or {@link #wake} is called; it may also return early, and the caller
   * looks again. Clears the thread's interrupt: only a request stops the writer.
   */
  void await(long dueAtNanos) {
    sleeper = Thread.currentThread();
    try {
      if (requests.isEmpty()) {
        if (dueAtNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          long left = dueAtNanos - System.nanoTime();
          if (left > 0) {
            LockSupport.parkNanos(this, left);
          }
        }
      }
    } finally {
      sleeper = null;
      Thread.interrupted();
    }
  }

  /** Ends the sleeper's {@link #await} without a request. */
  void wake(Thread thread) {
    LockSupport.unpark(thread);
  }
}
