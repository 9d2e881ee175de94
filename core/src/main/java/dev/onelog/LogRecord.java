package dev.onelog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** A record as stored in the log, with the offset it was given. Key and value may be null. */
public record LogRecord(
    String topic,
    int partition,
    long offset,
    long timestampMs,
    byte[] key,
    byte[] value,
    List<Header> headers) {

  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  public Instant timestamp() {
    return Instant.ofEpochMilli(timestampMs);
  }

  /** The key decoded as UTF-8, or null. */
  public String keyAsString() {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The value decoded as UTF-8, or null. */
  public String valueAsString() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return topic
        + "-"
        + partition
        + "@"
        + offset
        + " key="
        + keyAsString()
        + " value="
        + valueAsString();
  }
}
