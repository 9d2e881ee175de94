package dev.onelog.internal.kafka.group;

import java.util.Map;

/**
 * What a SyncGroup asks, in any version.
 *
 * @param protocolType null before v5, which does not send it
 * @param protocolName null before v5
 * @param assignments the leader's assignment, member id to opaque bytes; empty from followers
 */
public record SyncRequest(
    String groupId,
    String memberId,
    String instanceId,
    int generation,
    String protocolType,
    String protocolName,
    Map<String, byte[]> assignments) {}
