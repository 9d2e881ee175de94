package dev.onelog;

/**
 * The base of every exception onelog throws. Each subclass names one condition a caller can act on
 * and carries the values that caused it; messages say what was wrong and what would be right.
 * Messages are API: tools match on them, so they change only with a release note.
 */
public class OneLogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OneLogException(String message) {
    super(message);
  }

  public OneLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
