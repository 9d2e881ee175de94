package dev.onelog;

/** The file cannot be opened as asked: its directory is missing, or the file is read-only. */
public class FileAccessException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public FileAccessException(String message) {
    super(message);
  }

  public FileAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
