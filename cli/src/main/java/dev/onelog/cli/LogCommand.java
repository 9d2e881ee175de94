package dev.onelog.cli;

import dev.onelog.FileAccessException;
import dev.onelog.OneLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that works on the log named by the global options. Commands that only read refuse a
 * missing file instead of creating an empty log: {@code onelog stats} in the wrong directory should
 * say so, not leave a new file behind. Not thread-safe: one command runs once.
 */
abstract class LogCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Opens the log with the global options, creating the file when it is missing. */
  final OneLog openLog() {
    OneLogCommand root = root();
    Path file = root.file.toAbsolutePath().normalize();
    return root.shutdown.track(OneLog.builder(file).durability(root.durability).open());
  }

  /** Opens the log, failing with a clear message when the file does not exist. */
  final OneLog openExistingLog() {
    requireExisting();
    return openLog();
  }

  /**
   * Opens an existing log for a command that only reads: read-write when the file may be written,
   * so that whoever closes the file last checkpoints the WAL back into it, and read-only otherwise
   * (a backup, a read-only mount), where nothing can be written anyway.
   */
  final OneLog openForReading() {
    requireExisting();
    try {
      return openLog();
    } catch (FileAccessException readOnlyFile) {
      OneLogCommand root = root();
      Path file = root.file.toAbsolutePath().normalize();
      return root.shutdown.track(OneLog.builder(file).readOnly().open());
    }
  }

  private void requireExisting() {
    Path file = root().file.toAbsolutePath();
    if (!Files.exists(file)) {
      Path directory = file.getParent();
      if (directory != null && !Files.isDirectory(directory)) {
        throw new CliException(
            "directory "
                + directory
                + " does not exist; choose an existing log with --file or ONELOG_FILE");
      }
      throw new CliException(
          file
              + " does not exist; create a log with 'onelog topics create NAME' or 'onelog produce TOPIC',"
              + " or choose an existing one with --file or ONELOG_FILE");
    }
  }

  final boolean stopRequested() {
    return root().shutdown.requested() || Thread.currentThread().isInterrupted();
  }

  /** "1 partition", "3 partitions": the count and the noun, plural unless the count is 1. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private OneLogCommand root() {
    return (OneLogCommand) spec.root().userObject();
  }
}
