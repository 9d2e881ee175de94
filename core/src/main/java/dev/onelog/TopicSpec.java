package dev.onelog;

import java.time.Duration;
import java.util.Objects;

/**
 * What to create: a topic's name, partition count, cleanup policy, retention and compaction
 * settings, as Kafka's topic configs. Retention by time and by bytes (per partition, as in Kafka)
 * are optional; null means unlimited. The compaction settings matter only when the policy compacts.
 *
 * <pre>{@code
 * log.createTopic(TopicSpec.named("orders").withPartitions(6).withRetention(Duration.ofDays(7)));
 * log.createTopic(TopicSpec.named("prices").withCleanupPolicy(CleanupPolicy.COMPACT));
 * }</pre>
 *
 * @param retention Kafka's {@code retention.ms}: batches whose newest record is older are deleted
 * @param retentionBytes Kafka's {@code retention.bytes}, per partition: the oldest batches are
 *     deleted while the partition holds more
 * @param deleteRetention Kafka's {@code delete.retention.ms}: how long a tombstone (a record with a
 *     null value) stays after compaction kept it, so that slow readers still see the delete
 * @param minCleanableDirtyRatio Kafka's {@code min.cleanable.dirty.ratio}: compaction starts when
 *     the bytes written since the last pass make up at least this share of the partition
 * @param minCompactionLag Kafka's {@code min.compaction.lag.ms}: records younger than this are not
 *     compacted yet
 */
public record TopicSpec(
    String name,
    int partitions,
    CleanupPolicy cleanupPolicy,
    Duration retention,
    Long retentionBytes,
    Duration deleteRetention,
    double minCleanableDirtyRatio,
    Duration minCompactionLag) {

  /** Partitions are capped so that a careless number cannot create a million tables. */
  public static final int MAX_PARTITIONS = 10_000;

  /** Kafka's default {@code delete.retention.ms}: one day. */
  public static final Duration DEFAULT_DELETE_RETENTION = Duration.ofDays(1);

  /** Kafka's default {@code min.cleanable.dirty.ratio}. */
  public static final double DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    Objects.requireNonNull(deleteRetention, "deleteRetention");
    Objects.requireNonNull(minCompactionLag, "minCompactionLag");
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
    if (deleteRetention.isNegative()) {
      throw new IllegalArgumentException(
          "deleteRetention must be zero or positive, was " + deleteRetention);
    }
    if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
      throw new IllegalArgumentException(
          "minCleanableDirtyRatio must be 0..1, was " + minCleanableDirtyRatio);
    }
    if (minCompactionLag.isNegative()) {
      throw new IllegalArgumentException(
          "minCompactionLag must be zero or positive, was " + minCompactionLag);
    }
  }

  /** One partition, cleanup policy delete, unlimited retention, Kafka's defaults for compaction. */
  public static TopicSpec named(String name) {
    return new TopicSpec(
        name,
        1,
        CleanupPolicy.DELETE,
        null,
        null,
        DEFAULT_DELETE_RETENTION,
        DEFAULT_MIN_CLEANABLE_DIRTY_RATIO,
        Duration.ZERO);
  }

  /** True when the policy keeps the newest record of each key: compact or compact,delete. */
  public boolean compacted() {
    return cleanupPolicy != CleanupPolicy.DELETE;
  }

  public TopicSpec withPartitions(int count) {
    return new TopicSpec(
        name,
        count,
        cleanupPolicy,
        retention,
        retentionBytes,
        deleteRetention,
        minCleanableDirtyRatio,
        minCompactionLag);
  }

  public TopicSpec withCleanupPolicy(CleanupPolicy policy) {
    return new TopicSpec(
        name,
        partitions,
        policy,
        retention,
        retentionBytes,
        deleteRetention,
        minCleanableDirtyRatio,
        minCompactionLag);
  }

  /** Retention by time; null keeps records forever. */
  public TopicSpec withRetention(Duration time) {
    return new TopicSpec(
        name,
        partitions,
        cleanupPolicy,
        time,
        retentionBytes,
        deleteRetention,
        minCleanableDirtyRatio,
        minCompactionLag);
  }

  /** Retention by size per partition. */
  public TopicSpec withRetentionBytes(long bytes) {
    return withRetentionBytesOrUnlimited(bytes);
  }

  /** No retention by size. */
  public TopicSpec withUnlimitedRetentionBytes() {
    return withRetentionBytesOrUnlimited(null);
  }

  private TopicSpec withRetentionBytesOrUnlimited(Long bytes) {
    return new TopicSpec(
        name,
        partitions,
        cleanupPolicy,
        retention,
        bytes,
        deleteRetention,
        minCleanableDirtyRatio,
        minCompactionLag);
  }

  public TopicSpec withDeleteRetention(Duration time) {
    return new TopicSpec(
        name,
        partitions,
        cleanupPolicy,
        retention,
        retentionBytes,
        time,
        minCleanableDirtyRatio,
        minCompactionLag);
  }

  public TopicSpec withMinCleanableDirtyRatio(double ratio) {
    return new TopicSpec(
        name,
        partitions,
        cleanupPolicy,
        retention,
        retentionBytes,
        deleteRetention,
        ratio,
        minCompactionLag);
  }

  public TopicSpec withMinCompactionLag(Duration lag) {
    return new TopicSpec(
        name,
        partitions,
        cleanupPolicy,
        retention,
        retentionBytes,
        deleteRetention,
        minCleanableDirtyRatio,
        lag);
  }
}
