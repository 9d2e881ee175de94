package dev.onelog;

/**
 * A failure of the underlying SQLite file that no more specific exception describes; the message
 * names the file and what was being done.
 */
public class StorageException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
