package dev.onelog.cli;

import dev.onelog.BackupOptions;
import dev.onelog.BackupProgress;
import dev.onelog.BackupResult;
import dev.onelog.OneLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog backup DEST}: copies the log, as it was at one instant, to DEST while other
 * processes go on writing ({@link OneLog#backup}); shows a progress bar on standard error when the
 * command runs in a terminal, and prints one line saying what it wrote on standard output. DEST is
 * written beside under a temporary name and renamed into place at the end, so it is never half a
 * file; an existing DEST is replaced only with {@code --force}.
 */
@Command(
    name = "backup",
    description = {
      "Copy the log to DEST, consistently, while other processes keep writing to it.",
      "The copy is a log of its own ('onelog --file DEST verify' passes on it).",
      "DEST appears once the copy is complete; a failed or interrupted backup",
      "leaves nothing there."
    })
final class BackupCommand extends LogCommand {
  @Parameters(paramLabel = "DEST", description = "The file to write; its directory must exist.")
  Path destination;

  @Option(
      names = "--force",
      description =
          "Replace DEST when it exists; the old file stays as it was until the copy is complete.")
  boolean force;

  @Option(
      names = "--progress",
      description =
          "Show the progress bar on standard error even when the command is not run in a terminal.")
  boolean progress;

  @Override
  public Integer call() {
    Path target = destination.toAbsolutePath().normalize();
    String file;
    BackupResult result;
    try (OneLog log = openForReading()) {
      file = log.path().toString();
      if (!force
          && Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          && !sameFile(target, log.path())) {
        throw new CliException(
            target
                + " exists; onelog backup replaces a file only when told to: pass --force to"
                + " replace it, or choose another DEST");
      }
      BackupOptions options =
          force ? BackupOptions.defaults().replaceExisting() : BackupOptions.defaults();
      ProgressBar bar = progress || System.console() != null ? new ProgressBar(err()) : null;
      BackupProgress listener =
          (copiedBytes, totalBytes) -> {
            // Ctrl-C interrupts this thread, which stops the backup; but a signal that arrives
            // while the command starts up can lose its interrupt, so the flag is checked too.
            if (stopRequested()) {
              throw new CliException("stopped by a signal; nothing was written to " + target);
            }
            if (bar != null) {
              bar.copied(copiedBytes, totalBytes);
            }
          };
      try {
        result = log.backup(target, options.withProgress(listener));
      } finally {
        if (bar != null) {
          bar.end();
        }
      }
    }
    out()
        .println(
            String.format(
                Locale.ROOT,
                "backed up %s to %s: %s, %s, in %.2f s (%.0f MB/s)",
                file,
                result.file(),
                SizeConverter.describe(result.sizeBytes()),
                count(result.pageCount(), "page"),
                result.elapsed().toNanos() / 1e9,
                result.bytesPerSecond() / 1e6));
    return 0;
  }

  /** Whether two paths name one file; a path that cannot be looked at is not the log's. */
  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A line on standard error, redrawn in place (after a carriage return) each time the percentage
   * changes, so at most 101 times whatever the file's size:
   *
   * <pre>
   *  42% [############                  ] 430 of 1024 MiB
   * </pre>
   *
   * Not thread-safe: the backup calls it on the command's thread.
   */
  static final class ProgressBar implements BackupProgress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private long shownPercent = -1;

    ProgressBar(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void copied(long copiedBytes, long totalBytes) {
      long percent = totalBytes == 0 ? 100 : copiedBytes * 100 / totalBytes;
      if (percent == shownPercent) {
        return;
      }
      shownPercent = percent;
      err.print("\r" + render(copiedBytes, totalBytes));
      err.flush();
    }

    /** Ends the bar's line, if one was drawn. */
    void end() {
      if (shownPercent >= 0) {
        err.println();
        err.flush();
      }
    }

    static String render(long copiedBytes, long totalBytes) {
      long percent = totalBytes == 0 ? 100 : copiedBytes * 100 / totalBytes;
      int filled = (int) (percent * WIDTH / 100);
      return String.format(
          Locale.ROOT,
          "%3d%% [%s%s] %d of %d MiB",
          percent,
          "#".repeat(filled),
          " ".repeat(WIDTH - filled),
          copiedBytes >> 20,
          totalBytes >> 20);
    }
  }
}
