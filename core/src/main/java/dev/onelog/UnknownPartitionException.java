package dev.onelog;

/** The topic exists but has no partition of that number; the message gives the valid range. */
public class UnknownPartitionException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public UnknownPartitionException(String message) {
    super(message);
  }
}
