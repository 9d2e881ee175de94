package dev.onelog;

/** A topic of that name exists already. */
public class TopicExistsException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public TopicExistsException(String message) {
    super(message);
  }
}
