package dev.onelog;

import java.util.List;

/**
 * A failure of the underlying SQLite file that no more specific exception describes; the message
 * names the file and what was being done.
 */
public class StorageException extends OneLogException {
  private static final long serialVersionUID = 1L;

  private final List<TopicPartition> partitions;

  public StorageException(String message, Throwable cause) {
    this(message, cause, List.of());
  }

  public StorageException(String message, Throwable cause, List<TopicPartition> partitions) {
    super(message, cause);
    this.partitions = List.copyOf(partitions);
  }

  /** The partitions the failed write was appending to; empty when it was not an append. */
  public List<TopicPartition> partitions() {
    return partitions;
  }
}
