package dev.onelog;

/**
 * A stored record does not match its CRC32C: the file was damaged or edited by hand. {@code onelog
 * verify} lists every such record.
 */
public class CorruptRecordException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }
}
