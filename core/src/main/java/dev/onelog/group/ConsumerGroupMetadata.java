package dev.onelog.group;

/**
 * Who commits: a group member's identity as {@link dev.onelog.Transaction#commitOffsets} needs it,
 * from {@link GroupConsumer#groupMetadata()}. {@code generation} is the group's generation the
 * member last saw; {@code instanceId} is its static member id, or null.
 */
public record ConsumerGroupMetadata(
    String groupId, String memberId, long generation, String instanceId) {}
