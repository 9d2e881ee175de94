package dev.onelog;

/**
 * One partition's state. {@code earliestOffset} is the first offset still stored (the log start
 * offset), {@code nextOffset} the offset the next append gets (the high-water mark); with no
 * records stored they are equal. {@code sizeInBytes} counts keys, values and headers. {@code
 * lastTimestampMs} is the largest timestamp among the newest records (those appended in the last
 * batch): the newest record's timestamp unless senders set timestamps out of order; -1 when the
 * partition is empty.
 */
public record PartitionDescription(
    int partition,
    long earliestOffset,
    long nextOffset,
    long recordCount,
    long sizeInBytes,
    long lastTimestampMs) {}
