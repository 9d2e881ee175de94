package dev.onelog;

/**
 * A topic name breaks Kafka's rule: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, and not {@code
 * .} or {@code ..}.
 */
public class InvalidTopicException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public InvalidTopicException(String message) {
    super(message);
  }
}
