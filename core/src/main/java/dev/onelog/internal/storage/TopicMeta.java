package dev.onelog.internal.storage;

import dev.onelog.CleanupPolicy;
import dev.onelog.TopicSpec;
import java.time.Duration;

/** One row of the topics table. {@code id} is never reused, so a log table name is never reused. */
public record TopicMeta(
    long id,
    String name,
    int partitions,
    CleanupPolicy cleanupPolicy,
    Long retentionMs,
    Long retentionBytes,
    long deleteRetentionMs,
    double minCleanableDirtyRatio,
    long minCompactionLagMs,
    long createdAtMs) {

  /** True when the policy keeps the newest record of each key, so the key index is kept. */
  public boolean compacted() {
    return cleanupPolicy != CleanupPolicy.DELETE;
  }

  public static TopicMeta of(long id, TopicSpec spec, long createdAtMs) {
    return new TopicMeta(
        id,
        spec.name(),
        spec.partitions(),
        spec.cleanupPolicy(),
        spec.retention() == null ? null : spec.retention().toMillis(),
        spec.retentionBytes(),
        spec.deleteRetention().toMillis(),
        spec.minCleanableDirtyRatio(),
        spec.minCompactionLag().toMillis(),
        createdAtMs);
  }

  public TopicSpec spec() {
    return new TopicSpec(
        name,
        partitions,
        cleanupPolicy,
        retentionMs == null ? null : Duration.ofMillis(retentionMs),
        retentionBytes,
        Duration.ofMillis(deleteRetentionMs),
        minCleanableDirtyRatio,
        Duration.ofMillis(minCompactionLagMs));
  }

  public String keysTable(int partition) {
    return FileFormat.keysTable(id, partition);
  }

  public String logTable(int partition) {
    return FileFormat.logTable(id, partition);
  }
}
