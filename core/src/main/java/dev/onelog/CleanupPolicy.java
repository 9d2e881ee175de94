package dev.onelog;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a topic does with old records, as Kafka's {@code cleanup.policy}: delete them by retention
 * time and size, keep only the newest record of each key, or both. Stored with the topic; enforced
 * by the retention and compaction work that runs after commits.
 */
public enum CleanupPolicy {
  DELETE("delete"),
  COMPACT("compact"),
  COMPACT_DELETE("compact,delete");

  private final String configValue;

  CleanupPolicy(String configValue) {
    this.configValue = configValue;
  }

  /**
   * The value as Kafka and the file spell it: {@code delete}, {@code compact} or {@code
   * compact,delete}.
   */
  public String configValue() {
    return configValue;
  }

  /**
   * Parses Kafka's spelling; {@code delete,compact} is accepted as {@code compact,delete}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static CleanupPolicy parse(String text) {
    String normalized = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    if (normalized.equals("delete,compact")) {
      return COMPACT_DELETE;
    }
    for (CleanupPolicy policy : values()) {
      if (policy.configValue.equals(normalized)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "cleanup policy '"
            + text
            + "' is not one of "
            + Arrays.stream(values()).map(CleanupPolicy::configValue).toList());
  }
}
