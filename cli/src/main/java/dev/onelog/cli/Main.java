package dev.onelog.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The {@code onelog} command's entry point: parses the arguments, runs one command and exits with
 * its status (0 success, 1 a onelog error or a failed check, 2 a usage error).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLogging.quiet();
    Shutdown shutdown = new Shutdown(Thread.currentThread());
    shutdown.install();
    int status;
    try {
      status = commandLine(new OneLogCommand(shutdown)).execute(args);
    } finally {
      shutdown.finished();
    }
    System.exit(status);
  }

  static CommandLine commandLine(OneLogCommand root) {
    ErrorReporter errors = new ErrorReporter();
    return new CommandLine(root)
        .setOut(utf8Writer(FileDescriptor.out))
        .setErr(utf8Writer(FileDescriptor.err))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOverwrittenOptionsAllowed(
            true) // the last --file wins, so a shell alias can hold a default
        .setParameterExceptionHandler(errors)
        .setExecutionExceptionHandler(errors);
  }

  /** Topic names and messages are printed as UTF-8 whatever the platform's default charset. */
  private static PrintWriter utf8Writer(FileDescriptor fd) {
    return new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), true);
  }
}
