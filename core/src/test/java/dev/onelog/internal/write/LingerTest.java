package dev.onelog.internal.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.storage.FileFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The writer waits for small batches to grow only while senders are blocked on the full queue, and
 * stops waiting for anything but a batch: a synchronous caller, a flush or close never waits.
 */
class LingerTest {
  private static final int BUDGET = 1 << 20;

  private final WriteQueue queue = new WriteQueue();
  private final Semaphore budget = new Semaphore(BUDGET);
  private final Linger linger = new Linger(queue, budget, BUDGET);
  private final List<WriteRequest> drained = new ArrayList<>();

  @Test
  void manySmallBatchesWithRoomLeftAreWorthWaitingFor() {
    assertTrue(Linger.worthWaiting(16, 16 * 1000, BUDGET));
    assertFalse(Linger.worthWaiting(15, 15 * 1000, BUDGET), "too few batches to matter");
    assertFalse(
        Linger.worthWaiting(16, 16L * FileFormat.PAGE_SIZE_BYTES, BUDGET),
        "batches of a page each already fill their pages");
    assertFalse(
        Linger.worthWaiting(1000, BUDGET - BUDGET / 8, BUDGET),
        "the queue is nearly full: senders would block while the writer waits");
  }

  @Test
  void withoutSendersBlockedTheWriterDoesNotWait() {
    queueBatches(20);
    queue.drainTo(drained, 16);
    linger.turnEnding(); // no sender blocked on the budget

    linger.await(drained, Writer.MAX_REQUESTS_PER_COMMIT);

    assertEquals(16, drained.size(), "it took nothing more from the queue: it did not wait");
  }

  @Test
  void underBackPressureARequestOtherThanABatchEndsTheWait() throws Exception {
    queueBatches(16);
    queue.drainTo(drained, Writer.MAX_REQUESTS_PER_COMMIT);
    Thread blocked = blockOnTheBudget();
    try {
      linger.turnEnding();
      queue.add(new WriteRequest.Barrier()); // a flush arrives while the writer waits
      queueBatches(1);

      long start = System.nanoTime();
      linger.await(drained, Writer.MAX_REQUESTS_PER_COMMIT);

      assertInstanceOf(WriteRequest.Barrier.class, drained.get(16), "it waited and took it");
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    } finally {
      blocked.interrupt();
      blocked.join();
    }
  }

  /** Queues {@code count} one-record batches, each holding 100 bytes of the budget. */
  private void queueBatches(int count) {
    for (int i = 0; i < count; i++) {
      OpenBatch batch = new OpenBatch("t", 1, i, null);
      byte[] value = new byte[10];
      budget.acquireUninterruptibly(100);
      batch.tryAdd(new EncodedRecord("t", 1, i, 1_000, null, value, null, value.length), 100);
      queue.add(batch);
    }
  }

  /** A sender waiting for more of the budget than is left: back-pressure. */
  private Thread blockOnTheBudget() throws InterruptedException {
    Thread sender =
        new Thread(
            () -> {
              try {
                budget.acquire(BUDGET);
              } catch (InterruptedException e) {
                // the test is over
              }
            });
    sender.start();
    while (!budget.hasQueuedThreads()) {
      Thread.sleep(1);
    }
    return sender;
  }
}
