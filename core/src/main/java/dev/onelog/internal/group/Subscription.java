package dev.onelog.internal.group;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a member subscribes to: a list of topic names, or a pattern that topic names must match as a
 * whole. Stored in {@code group_members} as a comma-separated list ({@code subscribed_topics}) or a
 * Java regular expression ({@code topic_pattern}); topic names cannot contain commas.
 */
public record Subscription(List<String> topics, Pattern pattern) {
  public Subscription {
    if ((topics == null) == (pattern == null)) {
      throw new IllegalArgumentException("a subscription is a list of topics or a pattern");
    }
    topics = topics == null ? null : List.copyOf(topics);
  }

  public static Subscription topics(List<String> topics) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("subscribe to at least one topic");
    }
    return new Subscription(topics, null);
  }

  public static Subscription pattern(Pattern pattern) {
    return new Subscription(null, pattern);
  }

  public boolean matches(String topic) {
    return topics != null ? topics.contains(topic) : pattern.matcher(topic).matches();
  }

  /** The {@code subscribed_topics} column: the names joined by commas, or null. */
  public String topicsColumn() {
    return topics == null ? null : String.join(",", topics);
  }

  /** The {@code topic_pattern} column, or null. */
  public String patternColumn() {
    return pattern == null ? null : pattern.pattern();
  }

  public static Subscription fromColumns(String topicsColumn, String patternColumn) {
    if (topicsColumn != null) {
      return topics(List.of(topicsColumn.split(",")));
    }
    return pattern(Pattern.compile(patternColumn));
  }

  @Override
  public String toString() {
    return topics != null ? String.join(",", topics) : "pattern " + pattern.pattern();
  }
}
