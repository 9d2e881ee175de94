package dev.onelog.internal.group;

import dev.onelog.group.Assignor;
import dev.onelog.group.OffsetReset;
import dev.onelog.group.RebalanceListener;

/**
 * A group member's settings, validated by {@code GroupConsumer.Builder}. {@code instanceId} is null
 * for a dynamic member; {@code autoCommitIntervalMs} is 0 when auto-commit is off.
 */
public record MemberSettings(
    String groupId,
    Subscription subscription,
    Assignor assignor,
    long sessionTimeoutMs,
    long heartbeatIntervalMs,
    long maxPollIntervalMs,
    long autoCommitIntervalMs,
    OffsetReset offsetReset,
    RebalanceListener listener,
    String instanceId,
    int maxPollRecords) {

  public boolean autoCommits() {
    return autoCommitIntervalMs > 0;
  }
}
