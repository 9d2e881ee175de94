package dev.onelog.group;

import dev.onelog.OneLogException;

/** A group id that breaks the rule: 1 to 249 characters, not all white space. */
public class InvalidGroupIdException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String groupId;

  public InvalidGroupIdException(String message, String groupId) {
    super(message);
    this.groupId = groupId;
  }

  /** The id as given, possibly null. */
  public String groupId() {
    return groupId;
  }
}
