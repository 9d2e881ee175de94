package dev.onelog;

import java.util.Objects;

/**
 * How {@link OneLog#backup(java.nio.file.Path, BackupOptions)} copies: whether it may replace an
 * existing file, and whom it tells how far it has got. Immutable; each method returns a copy.
 *
 * <pre>{@code
 * log.backup(Path.of("/backups/events.db"),
 *     BackupOptions.defaults().replaceExisting().withProgress((copied, total) -> ...));
 * }</pre>
 */
public final class BackupOptions {
  private static final BackupOptions DEFAULTS = new BackupOptions(false, BackupProgress.NONE);

  private final boolean replaceExisting;
  private final BackupProgress progress;

  private BackupOptions(boolean replaceExisting, BackupProgress progress) {
    this.replaceExisting = replaceExisting;
    this.progress = progress;
  }

  /** Refuses an existing destination; reports no progress. */
  public static BackupOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Replaces a file that exists at the destination, atomically: until the copy is complete the old
   * file stays as it was, and then the new one takes its place in one rename. Without this, an
   * existing destination is refused and left alone.
   */
  public BackupOptions replaceExisting() {
    return new BackupOptions(true, progress);
  }

  /** Tells {@code listener} how far the copy has got; see {@link BackupProgress}. */
  public BackupOptions withProgress(BackupProgress listener) {
    return new BackupOptions(replaceExisting, Objects.requireNonNull(listener, "listener"));
  }

  public boolean replacesExisting() {
    return replaceExisting;
  }

  public BackupProgress progress() {
    return progress;
  }

  @Override
  public String toString() {
    return "BackupOptions[replaceExisting=" + replaceExisting + "]";
  }
}
