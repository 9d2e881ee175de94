package dev.onelog;

import java.time.Duration;
import java.util.Objects;

/**
 * What to create: a topic's name, partition count, cleanup policy and retention. Retention by time
 * and by bytes (per partition, as in Kafka) are optional; null means unlimited.
 *
 * <pre>{@code
 * log.createTopic(TopicSpec.named("orders").withPartitions(6).withRetention(Duration.ofDays(7)));
 * }</pre>
 */
public record TopicSpec(
    String name,
    int partitions,
    CleanupPolicy cleanupPolicy,
    Duration retention,
    Long retentionBytes) {

  /** Partitions are capped so that a careless number cannot create a million tables. */
  public static final int MAX_PARTITIONS = 10_000;

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "partitions must be 1.." + MAX_PARTITIONS + ", was " + partitions);
    }
    if (retention != null && (retention.isNegative() || retention.isZero())) {
      throw new IllegalArgumentException("retention must be positive, was " + retention);
    }
    if (retentionBytes != null && retentionBytes < 1) {
      throw new IllegalArgumentException("retentionBytes must be positive, was " + retentionBytes);
    }
  }

  /** One partition, cleanup policy delete, unlimited retention. */
  public static TopicSpec named(String name) {
    return new TopicSpec(name, 1, CleanupPolicy.DELETE, null, null);
  }

  public TopicSpec withPartitions(int count) {
    return new TopicSpec(name, count, cleanupPolicy, retention, retentionBytes);
  }

  public TopicSpec withCleanupPolicy(CleanupPolicy policy) {
    return new TopicSpec(name, partitions, policy, retention, retentionBytes);
  }

  public TopicSpec withRetention(Duration time) {
    return new TopicSpec(name, partitions, cleanupPolicy, time, retentionBytes);
  }

  public TopicSpec withRetentionBytes(long bytes) {
    return new TopicSpec(name, partitions, cleanupPolicy, retention, bytes);
  }
}
