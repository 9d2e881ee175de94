package dev.onelog.eventstore;

import java.util.Objects;

/**
 * "Only if no event matching {@code query} was appended after {@code afterPosition}": the
 * consistency check of a conditional append. {@code afterPosition} is typically the last position
 * the decision read; -1 means "no matching event at all".
 */
public record AppendCondition(EventQuery query, long afterPosition) {
  public AppendCondition {
    Objects.requireNonNull(query, "query");
    if (afterPosition < -1) {
      throw new IllegalArgumentException(
          "afterPosition < -1: " + afterPosition + "; use -1 for \"no matching event at all\"");
    }
  }

  public static AppendCondition noneAfter(EventQuery query, long afterPosition) {
    return new AppendCondition(query, afterPosition);
  }
}
