package dev.onelog.internal.kafka.group;

import java.util.Map;

/**
 * What a JoinGroup asks, in any version.
 *
 * @param memberId the id the coordinator gave the member, or "" on its first join
 * @param instanceId a static member's {@code group.instance.id}, or null
 * @param clientHost where the member connects from, for DescribeGroups
 * @param rebalanceTimeoutMs how long a rebalance waits for this member to rejoin (v0: its session
 *     timeout)
 * @param protocols protocol name to opaque metadata, in the member's order of preference
 * @param requireKnownMemberId whether a first join without an instance id is answered with
 *     MEMBER_ID_REQUIRED and a new id (JoinGroup v4 and later)
 */
public record JoinRequest(
    String groupId,
    String memberId,
    String instanceId,
    String clientId,
    String clientHost,
    int sessionTimeoutMs,
    int rebalanceTimeoutMs,
    String protocolType,
    Map<String, byte[]> protocols,
    boolean requireKnownMemberId) {}
