package dev.onelog.cli;

import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the library's log goes (through SLF4J to {@code java.util.logging}). A command that ends
 * logs nothing: the one line it writes to standard error on failure says what went wrong. {@code
 * onelog serve} runs until stopped, so it writes warnings and errors to standard error, one line
 * each (an I/O error that stopped the log, a checkpoint or a client's request that failed, a
 * projection that stopped), or what {@code ONELOG_LOG_LEVEL} asks for.
 */
final class CommandLogging {
  private CommandLogging() {}

  /** The environment variable that sets {@code serve}'s level: SEVERE, WARNING, INFO or FINE. */
  static final String LEVEL_VARIABLE = "ONELOG_LOG_LEVEL";

  private static final String FORMAT = "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n";

  /** Called first thing: one line per entry, and nothing logged until a command asks. */
  static void quiet() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", FORMAT);
    }
    setLevel(Level.OFF);
  }

  /** Logs to standard error from here on, at {@code ONELOG_LOG_LEVEL} or WARNING. */
  static void toStandardError() {
    String wanted = System.getenv(LEVEL_VARIABLE);
    Level level = Level.WARNING;
    if (wanted != null && !wanted.isBlank()) {
      try {
        level = Level.parse(wanted.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CliException(
            LEVEL_VARIABLE
                + " is '"
                + wanted
                + "'; use SEVERE, WARNING, INFO or FINE (or unset it for WARNING)");
      }
    }
    setLevel(level);
  }

  private static void setLevel(Level level) {
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    for (Handler handler : root.getHandlers()) {
      handler.setLevel(level);
    }
  }
}
