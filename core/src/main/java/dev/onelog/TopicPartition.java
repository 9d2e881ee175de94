package dev.onelog;

import java.util.Objects;

/** One partition of one topic. */
public record TopicPartition(String topic, int partition) {
  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("partition < 0: " + partition);
    }
  }

  public static TopicPartition of(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
