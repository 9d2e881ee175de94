package dev.onelog;

/**
 * Another connection, usually another process, held the file's write lock for longer than the busy
 * timeout. Nothing of the failed write was committed.
 */
public class BusyTimeoutException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public BusyTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
