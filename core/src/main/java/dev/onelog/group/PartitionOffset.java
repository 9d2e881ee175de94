package dev.onelog.group;

import dev.onelog.TopicPartition;

/**
 * A group's progress in one partition: its committed offset (-1 when it has none), the partition's
 * earliest and next offset, the lag (next offset minus the committed one; -1 without a committed
 * offset, as Kafka's tools show "-"), the member holding the partition (null when none) and the
 * committed metadata.
 */
public record PartitionOffset(
    TopicPartition partition,
    long committedOffset,
    long earliestOffset,
    long nextOffset,
    long lag,
    String owner,
    String metadata) {}
