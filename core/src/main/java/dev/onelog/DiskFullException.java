package dev.onelog;

/**
 * The disk, or the log's maximum file size, is full. Nothing of the failed write was committed;
 * writes succeed again once space is freed.
 */
public class DiskFullException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public DiskFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
