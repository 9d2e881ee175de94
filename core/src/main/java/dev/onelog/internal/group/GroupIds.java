package dev.onelog.internal.group;

/** The rule for group ids: Kafka's is any non-empty string; onelog also caps the length. */
public final class GroupIds {
  private GroupIds() {}

  public static final int MAX_LENGTH = 249;

  /**
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void validate(String groupId) {
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("a group id must not be empty or blank");
    }
    if (groupId.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "group id is " + groupId.length() + " characters long; the limit is " + MAX_LENGTH);
    }
  }
}
