package dev.onelog.internal.write;

/**
 * What the writer thread takes from its queue, in order: appends (the appends queued next to each
 * other become one {@link AppendStep}), steps of any other kind ({@link StepRequest}), barriers
 * (flush), and the wake-up and shutdown markers. Every one of them runs inside the writer's current
 * group-commit transaction. {@code weightBytes} is what the request holds of the queue's byte
 * budget.
 */
public abstract sealed class WriteRequest
    permits AppendRequest,
        OpenBatch,
        StepRequest,
        WriteRequest.Barrier,
        WriteRequest.Shutdown,
        WriteRequest.Wake {
  final int weightBytes;

  WriteRequest(int weightBytes) {
    this.weightBytes = weightBytes;
  }

  /** What the request holds of the queue's budget, given the budget's size. */
  int permits(int maxQueuedBytes) {
    return Math.min(weightBytes, maxQueuedBytes);
  }

  /** Fails the request without running it, e.g. because the log closed. */
  abstract void fail(Throwable cause);

  /**
   * Completes once everything queued before it has committed or failed: after the transaction its
   * drain ran, or at once when it drained alone. It needs no transaction of its own, so a flush
   * never takes the write lock.
   */
  static final class Barrier extends WriteRequest {
    final java.util.concurrent.CompletableFuture<Void> future =
        new java.util.concurrent.CompletableFuture<>();

    Barrier() {
      super(0);
    }

    @Override
    void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  /** Makes the writer recompute when its maintenance is next due; runs nothing. */
  static final class Wake extends WriteRequest {
    Wake() {
      super(0);
    }

    @Override
    void fail(Throwable cause) {}
  }

  /** The last request a writer takes: it finishes everything queued before it, then stops. */
  static final class Shutdown extends WriteRequest {
    Shutdown() {
      super(0);
    }

    @Override
    void fail(Throwable cause) {}
  }
}
