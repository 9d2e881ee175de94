package dev.onelog;

/**
 * A stored batch of records does not match its CRC32C or does not decode, or SQLite found the
 * file's own pages malformed ({@code SQLITE_CORRUPT}, its cause): the file was damaged or edited by
 * hand. {@code onelog verify} lists every such batch.
 */
public class CorruptRecordException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
