package dev.onelog.group;

import dev.onelog.OneLogException;

/**
 * A member tried to join a group whose live members use another assignor; Kafka's {@code
 * INCONSISTENT_GROUP_PROTOCOL}. Every member of a group must use the same one.
 */
public class InconsistentAssignorException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String groupId;
  private final Assignor requested;
  private final Assignor groupAssignor;

  public InconsistentAssignorException(
      String message, String groupId, Assignor requested, Assignor groupAssignor) {
    super(message);
    this.groupId = groupId;
    this.requested = requested;
    this.groupAssignor = groupAssignor;
  }

  public String groupId() {
    return groupId;
  }

  public Assignor requested() {
    return requested;
  }

  public Assignor groupAssignor() {
    return groupAssignor;
  }
}
