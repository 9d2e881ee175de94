package dev.onelog;

import java.util.List;

/**
 * Another connection, usually another process, held the file's write lock for longer than the busy
 * timeout. Nothing of the failed write was committed.
 */
public class BusyTimeoutException extends OneLogException {
  private static final long serialVersionUID = 1L;

  private final List<TopicPartition> partitions;

  public BusyTimeoutException(String message, Throwable cause) {
    this(message, cause, List.of());
  }

  public BusyTimeoutException(String message, Throwable cause, List<TopicPartition> partitions) {
    super(message, cause);
    this.partitions = List.copyOf(partitions);
  }

  /** The partitions the failed write was appending to; empty when it was not an append. */
  public List<TopicPartition> partitions() {
    return partitions;
  }
}
