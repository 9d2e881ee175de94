package dev.onelog.internal.group;

/** One row of {@code group_members}. */
public record MemberRow(
    String groupId,
    String memberId,
    String instanceId,
    String client,
    Subscription subscription,
    long sessionTimeoutMs,
    long joinedAtMs,
    long heartbeatAtMs) {

  /** Whether its session has not expired at {@code nowMs}. */
  public boolean isLive(long nowMs) {
    return heartbeatAtMs + sessionTimeoutMs >= nowMs;
  }

  /** Whether a coordinator outside this library keeps it ({@link WireMembers}). */
  public boolean isWire() {
    return client.startsWith(WireMembers.CLIENT_PREFIX);
  }

  /** The order assignors deal partitions in: static members by instance id, others by member id. */
  String sortKey() {
    return instanceId != null ? "0" + instanceId : "1" + memberId;
  }
}
