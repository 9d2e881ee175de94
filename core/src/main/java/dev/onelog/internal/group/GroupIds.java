package dev.onelog.internal.group;

import dev.onelog.group.InvalidGroupIdException;

/**
 * The rule for group ids (and static members' instance ids): Kafka's is any non-empty string;
 * onelog also refuses one of white space only, and caps the length at 249 UTF-16 code units, as
 * docs/FORMAT.md 12.1 says.
 */
public final class GroupIds {
  private GroupIds() {}

  public static final int MAX_LENGTH = 249;

  /**
   * @throws InvalidGroupIdException saying what is wrong
   */
  public static void validate(String groupId) {
    String problem = problem(groupId, "group id");
    if (problem != null) {
      throw new InvalidGroupIdException(problem, groupId);
    }
  }

  /**
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void validateInstanceId(String instanceId) {
    String problem = problem(instanceId, "static member id");
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private static String problem(String id, String what) {
    if (id == null || id.isBlank()) {
      return "a " + what + " must not be empty or blank";
    }
    if (id.length() > MAX_LENGTH) {
      return what + " is " + id.length() + " characters long; the limit is " + MAX_LENGTH;
    }
    return null;
  }
}
