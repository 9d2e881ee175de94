package dev.onelog;

/**
 * Told how far a {@link OneLog#backup(java.nio.file.Path, BackupOptions) backup} has got: first
 * with nothing copied yet, then after every few MiB, last with everything copied. Called on the
 * thread that called {@code backup}, one call at a time, never while a lock of the log is held.
 *
 * <p>A listener that throws stops the backup: the partial copy is deleted, nothing is left at the
 * destination, and {@code backup} rethrows what the listener threw.
 */
@FunctionalInterface
public interface BackupProgress {
  /** Reports nothing; the default. */
  BackupProgress NONE = (copiedBytes, totalBytes) -> {};

  /**
   * @param copiedBytes bytes of the file copied so far, from 0 up to {@code totalBytes}
   * @param totalBytes the size of the copy: the log's file as it was when the backup began
   */
  void copied(long copiedBytes, long totalBytes);
}
