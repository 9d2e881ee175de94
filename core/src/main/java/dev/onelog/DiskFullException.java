package dev.onelog;

import java.util.List;

/**
 * The disk, or the log's maximum file size, is full. Nothing of the failed write was committed;
 * writes succeed again once space is freed.
 */
public class DiskFullException extends OneLogException {
  private static final long serialVersionUID = 1L;

  private final List<TopicPartition> partitions;

  public DiskFullException(String message, Throwable cause) {
    this(message, cause, List.of());
  }

  public DiskFullException(String message, Throwable cause, List<TopicPartition> partitions) {
    super(message, cause);
    this.partitions = List.copyOf(partitions);
  }

  /** The partitions the failed write was appending to; empty when it was not an append. */
  public List<TopicPartition> partitions() {
    return partitions;
  }
}
