package dev.onelog;

/**
 * The path holds a file that is not a onelog file: another SQLite database, or not SQLite at all.
 * The file was not modified.
 */
public class NotAOneLogFileException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public NotAOneLogFileException(String message) {
    super(message);
  }

  public NotAOneLogFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
