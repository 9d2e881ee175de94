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
    long createdAtMs) {

  public TopicSpec spec() {
    return new TopicSpec(
        name,
        partitions,
        cleanupPolicy,
        retentionMs == null ? null : Duration.ofMillis(retentionMs),
        retentionBytes);
  }

  public String logTable(int partition) {
    return FileFormat.logTable(id, partition);
  }
}
