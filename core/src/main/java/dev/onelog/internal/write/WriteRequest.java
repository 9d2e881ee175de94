package dev.onelog.internal.write;

/**
 * What the writer thread takes from its queue, in order: appends (grouped into one transaction with
 * the appends queued next to them), admin work (one transaction of its own), and the shutdown
 * marker. {@code weightBytes} is what the request holds of the queue's byte budget.
 */
public abstract sealed class WriteRequest
    permits AppendRequest, AdminRequest, WriteRequest.Shutdown {
  final int weightBytes;

  WriteRequest(int weightBytes) {
    this.weightBytes = weightBytes;
  }

  /** Fails the request without running it, e.g. because the log closed. */
  abstract void fail(Throwable cause);

  /** The last request a writer takes: it finishes everything queued before it, then stops. */
  static final class Shutdown extends WriteRequest {
    Shutdown() {
      super(0);
    }

    @Override
    void fail(Throwable cause) {}
  }
}
