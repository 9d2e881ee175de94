package dev.onelog.group;

import dev.onelog.TopicPartition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One member of a group as the file records it: its id, static instance id (or null), the process
 * it runs in ({@code pid@host}), what it subscribes to (topic names, or a pattern), its session
 * timeout and last heartbeat, the partitions it holds and those assigned to it. {@code owned} and
 * {@code assigned} differ while a rebalance moves partitions.
 */
public record MemberDescription(
    String memberId,
    String instanceId,
    String client,
    String subscription,
    Duration sessionTimeout,
    Instant lastHeartbeat,
    List<TopicPartition> owned,
    List<TopicPartition> assigned) {

  /**
   * Whether a coordinator outside this library keeps it ({@link Groups#recordWireMembers}): a Kafka
   * consumer connected to {@code onelog serve}. Its {@code client} starts with {@code wire:}.
   */
  public boolean isWire() {
    return client.startsWith("wire:");
  }
}
