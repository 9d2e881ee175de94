package dev.onelog.internal.write;

/**
 * What the writer thread takes from its queue, in order: appends (the appends queued next to each
 * other become one {@link AppendStep}), steps of any other kind ({@link StepRequest}), and the
 * shutdown marker. Every one of them runs inside the writer's current group-commit transaction.
 * {@code weightBytes} is what the request holds of the queue's byte budget.
 */
public abstract sealed class WriteRequest
    permits AppendRequest, StepRequest, WriteRequest.Shutdown, WriteRequest.Wake {
  final int weightBytes;

  WriteRequest(int weightBytes) {
    this.weightBytes = weightBytes;
  }

  /** Fails the request without running it, e.g. because the log closed. */
  abstract void fail(Throwable cause);

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
