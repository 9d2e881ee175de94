package dev.onelog;

/** The log was used after {@link OneLog#close()}, or closed while the call waited. */
public class LogClosedException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public LogClosedException(String message) {
    super(message);
  }
}
