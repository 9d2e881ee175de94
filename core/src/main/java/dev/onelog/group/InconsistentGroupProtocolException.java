package dev.onelog.group;

import dev.onelog.OneLogException;

/**
 * A group was asked to take members of two kinds at once: embedded members ({@link
 * Groups#consumer}) while members connected over the Kafka protocol ({@code onelog serve}) are live
 * in it, or the other way round. A group is either wire or embedded at one time; Kafka's {@code
 * INCONSISTENT_GROUP_PROTOCOL}.
 */
public class InconsistentGroupProtocolException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String groupId;

  public InconsistentGroupProtocolException(String message, String groupId) {
    super(message);
    this.groupId = groupId;
  }

  public String groupId() {
    return groupId;
  }
}
