package dev.onelog;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link OneLog#backup(Path)} wrote: the file, its size in bytes and in SQLite pages, and how
 * long the backup took, from the check of the destination to the rename that put the copy in place.
 */
public record BackupResult(Path file, long sizeBytes, long pageCount, Duration elapsed) {
  /** The backup's rate: {@code sizeBytes} per second of {@link #elapsed()}. */
  public double bytesPerSecond() {
    return sizeBytes * 1e9 / Math.max(1, elapsed.toNanos());
  }
}
