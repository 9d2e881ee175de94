package dev.onelog.cli;

import dev.onelog.OneLogException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints every error as one line on standard error, {@code onelog: <message>}, and picks the exit
 * status: 2 for usage errors, 1 for everything else (2 in {@code get}, where 1 means "no such
 * key"). A stack trace follows only with {@code --verbose}. onelog's exceptions already say what
 * was wrong and what would be right, so their message is printed as it is; an unexpected exception
 * is printed with its class name.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
  static final int ERROR = 1;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    StringBuilder line = new StringBuilder("onelog: ").append(e.getMessage());
    if (e instanceof UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
      }
    }
    line.append(" (see '").append(command.getCommandSpec().qualifiedName()).append(" --help')");
    err.println(line);
    if (verbose(command)) {
      e.printStackTrace(err);
    }
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
    OneLogCommand root = root(command);
    // ERROR, unless the command says otherwise: get uses 1 for "no such key", so 2 for errors
    int status = command.getCommandSpec().exitCodeOnExecutionException();
    if (root.shutdown.requested()) {
      return status;
    }
    PrintWriter err = command.getErr();
    err.println("onelog: " + message(e));
    if (root.verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return status;
  }

  /** The one line printed for an exception; package-private for tests. */
  static String message(Throwable e) {
    if (e instanceof OneLogException || e instanceof CliException) {
      return e.getMessage();
    }
    if (e instanceof UncheckedIOException io) {
      return "I/O error: " + io.getCause().getMessage();
    }
    return e + " (run with --verbose for the stack trace)";
  }

  private static boolean verbose(CommandLine command) {
    return root(command).verbose;
  }

  private static OneLogCommand root(CommandLine command) {
    return (OneLogCommand) command.getCommandSpec().root().userObject();
  }
}
