package dev.onelog.internal.storage;

import dev.onelog.InvalidTopicException;
import java.util.regex.Pattern;

/** Kafka's rule for topic names, so that every onelog topic can be mirrored to Kafka. */
public final class TopicNames {
  private TopicNames() {}

  public static final int MAX_LENGTH = 249;
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  /**
   * @throws InvalidTopicException saying which part of the rule the name breaks
   */
  public static void validate(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidTopicException(
          "topic name is empty; use 1 to " + MAX_LENGTH + " characters of [a-zA-Z0-9._-]");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new InvalidTopicException(
          "topic name '" + name + "' is not allowed; '.' and '..' are reserved");
    }
    if (name.length() > MAX_LENGTH) {
      throw new InvalidTopicException(
          "topic name is " + name.length() + " characters long; the limit is " + MAX_LENGTH);
    }
    if (!LEGAL.matcher(name).matches()) {
      throw new InvalidTopicException(
          "topic name '"
              + name
              + "' has characters outside [a-zA-Z0-9._-]; use only letters, digits, '.', '_' and '-'");
    }
  }
}
