package dev.onelog.internal.backup;

import dev.onelog.BackupOptions;
import dev.onelog.BackupResult;
import dev.onelog.OneLogException;
import dev.onelog.internal.LogContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code log.backup(destination)}: an online, consistent copy of the log's file while writers in
 * this and other processes go on. Three steps:
 *
 * <ol>
 *   <li>{@link BackupTarget#prepare}: the destination is refused, before anything is copied, when
 *       it is the log's own file, exists (unless replacing), lies in a missing directory, or has a
 *       {@code -wal}, {@code -shm} or {@code -journal} file beside it;
 *   <li>{@link PageCopy}: SQLite's backup API copies every page of one snapshot of the file into a
 *       temporary file beside the destination, on a read-only connection of its own, so it works on
 *       a log opened read-only too;
 *   <li>{@link BackupTarget#publish}: the complete copy, synced by SQLite's commit, takes the
 *       destination's name in one atomic step, and the directory is synced.
 * </ol>
 *
 * Any failure, an interrupt of the calling thread, or a progress listener that throws, deletes the
 * temporary file and leaves the destination as it was. The copy is a onelog file like the log (same
 * application_id, format version, page size, WAL mode), holding every commit made before the
 * snapshot and none made after it.
 *
 * <p>Thread-safe: each call is independent; several backups may run at once.
 */
public final class OnlineBackup {
  private OnlineBackup() {}

  /**
   * Backs the log up to {@code destination}.
   *
   * @throws dev.onelog.FileAccessException when the destination is refused or cannot be written
   * @throws dev.onelog.DiskFullException when the destination's disk fills up
   * @throws OneLogException when interrupted, with the thread's interrupt flag set again
   */
  public static BackupResult run(LogContext context, Path destination, BackupOptions options) {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(options, "options");
    context.ensureOpen();
    long startedNanos = System.nanoTime();
    BackupTarget target =
        BackupTarget.prepare(context.options().path(), destination, options.replacesExisting());
    PageCopy copy = null;
    try {
      copy = PageCopy.start(context, target);
      PageCopy.Copied copied = copy.await(options.progress());
      target.publish(copied.sizeBytes());
      return new BackupResult(
          target.destination(),
          copied.sizeBytes(),
          copied.pageCount(),
          Duration.ofNanos(System.nanoTime() - startedNanos));
    } catch (InterruptedException e) {
      copy.abandon(); // only await throws it: copy is set
      OneLogException interrupted =
          new OneLogException(
              "interrupted while backing up "
                  + context.options().path()
                  + " to "
                  + target.destination()
                  + "; nothing was written there and the partial copy was deleted",
              e);
      target.discard(interrupted);
      Thread.currentThread().interrupt();
      throw interrupted;
    } catch (RuntimeException | Error e) {
      if (copy != null) {
        copy.abandon();
      }
      target.discard(e);
      throw e;
    }
  }
}
