package dev.onelog.internal.group;

/**
 * One row of {@code group_partitions}: the member a partition is assigned to ({@code target}) and
 * the member holding its lease ({@code owner}, with the generation it took it in), either null.
 */
public record LeaseRow(
    long topicId, int partition, String target, String owner, long ownerGeneration) {}
