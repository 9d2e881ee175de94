package dev.onelog.internal.kafka.group;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a wire group, as its last JoinGroup described it: the protocols it supports (in its
 * order of preference, each with the opaque metadata the leader reads), its timeouts, the
 * assignment the leader gave it, and the JoinGroup or SyncGroup answer it waits for.
 *
 * <p>Not thread-safe: every field is guarded by the lock of its {@link ClassicGroup}.
 */
final class Member {
  final String memberId;
  final String instanceId;
  final String clientId;
  final String clientHost;
  int sessionTimeoutMs;
  int rebalanceTimeoutMs;

  /** Protocol name to metadata, in the member's order of preference. */
  Map<String, byte[]> protocols;

  byte[] assignment = new byte[0];

  /** The JoinGroup answer it waits for during a rebalance, or null. */
  CompletableFuture<JoinGroupResponseData> awaitingJoin;

  /** The SyncGroup answer it waits for while the leader assigns, or null. */
  CompletableFuture<SyncGroupResponseData> awaitingSync;

  /** When its session ends unless it heartbeats (System.nanoTime-based). */
  long sessionDeadlineNanos;

  Member(
      String memberId,
      String instanceId,
      String clientId,
      String clientHost,
      int sessionTimeoutMs,
      int rebalanceTimeoutMs,
      Map<String, byte[]> protocols) {
    this.memberId = memberId;
    this.instanceId = instanceId;
    this.clientId = clientId;
    this.clientHost = clientHost;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.protocols = new LinkedHashMap<>(protocols);
  }

  /** A member taking over this one's place under a new id (a static member restarted). */
  Member replacedBy(String newMemberId, String newClientId, String newClientHost) {
    Member next =
        new Member(
            newMemberId,
            instanceId,
            newClientId,
            newClientHost,
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            protocols);
    next.assignment = assignment;
    return next;
  }

  void heartbeat(long nowNanos) {
    sessionDeadlineNanos = nowNanos + sessionTimeoutMs * 1_000_000L;
  }

  /**
   * Whether its session is over. A member waiting for a JoinGroup or SyncGroup answer is kept in:
   * the rebalance's own deadlines deal with it, as in Kafka.
   */
  boolean sessionExpired(long nowNanos) {
    return awaitingJoin == null && awaitingSync == null && nowNanos - sessionDeadlineNanos > 0;
  }

  /** Whether {@code other} names the same protocols, in the same order, with the same metadata. */
  boolean sameProtocols(Map<String, byte[]> other) {
    if (!protocols.keySet().stream().toList().equals(other.keySet().stream().toList())) {
      return false;
    }
    for (Map.Entry<String, byte[]> entry : protocols.entrySet()) {
      if (!Arrays.equals(entry.getValue(), other.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The first of its protocols (in its order) that is among {@code candidates}. */
  String vote(java.util.Set<String> candidates) {
    for (String name : protocols.keySet()) {
      if (candidates.contains(name)) {
        return name;
      }
    }
    throw new IllegalStateException(
        "member " + memberId + " supports none of " + candidates + ": " + protocols.keySet());
  }

  boolean isStatic() {
    return instanceId != null;
  }

  boolean sameInstance(String otherInstanceId) {
    return Objects.equals(instanceId, otherInstanceId);
  }
}
