package dev.onelog.group;

/**
 * Where a group member starts in a partition for which its group has no committed offset, or whose
 * committed offset is no longer in the log (below the earliest record retention kept, or above the
 * end): Kafka's {@code auto.offset.reset}.
 */
public enum OffsetReset {
  /** The earliest record still stored. */
  EARLIEST,
  /** The end: only records appended from now on. Kafka's default. */
  LATEST,
  /** Neither: {@link GroupConsumer#poll} throws {@link NoOffsetForPartitionException}. */
  NONE
}
