package dev.onelog;

/** No topic of that name exists; the message lists the known topics. */
public class UnknownTopicException extends OneLogException {
  private static final long serialVersionUID = 1L;

  public UnknownTopicException(String message) {
    super(message);
  }
}
