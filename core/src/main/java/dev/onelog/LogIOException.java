package dev.onelog;

import java.util.List;

/**
 * The operating system failed a read, write or fsync of the log's file (EIO). The write that met it
 * may or may not be in the file; after a failed write or fsync the log refuses every later write
 * with this exception until it is closed and opened again, because the data the kernel failed to
 * write may be gone from its cache, and a later fsync that succeeds would not bring it back (the
 * lesson PostgreSQL learned in 2018). Reads go on working.
 */
public class LogIOException extends StorageException {
  private static final long serialVersionUID = 1L;

  public LogIOException(String message, Throwable cause) {
    super(message, cause);
  }

  public LogIOException(String message, Throwable cause, List<TopicPartition> partitions) {
    super(message, cause, partitions);
  }
}
