package dev.onelog.cli;

/**
 * A failure the command itself detected in its input or environment (a missing file, a line without
 * a key separator): printed as one line, exit status 1. Usage errors are picocli's {@code
 * ParameterException} instead (exit status 2).
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
