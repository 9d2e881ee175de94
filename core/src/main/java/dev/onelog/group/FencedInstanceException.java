package dev.onelog.group;

import dev.onelog.OneLogException;

/**
 * A static member was replaced by a newer member with the same instance id (a restarted process, or
 * a second process started with the same id by mistake): this one may no longer poll or commit, as
 * Kafka's {@code FENCED_INSTANCE_ID}. Close it.
 */
public class FencedInstanceException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String groupId;
  private final String instanceId;

  public FencedInstanceException(String message, String groupId, String instanceId) {
    super(message);
    this.groupId = groupId;
    this.instanceId = instanceId;
  }

  public String groupId() {
    return groupId;
  }

  public String instanceId() {
    return instanceId;
  }
}
