package dev.onelog.group;

import java.time.Instant;
import java.util.Objects;

/**
 * Where {@link Groups#resetOffsets} moves a group's committed offsets in each partition of a topic,
 * as Kafka's {@code kafka-consumer-groups --reset-offsets}. The result is always kept between the
 * partition's earliest and next offset.
 */
public sealed interface ResetTarget {
  /** The earliest offset still stored. */
  static ResetTarget earliest() {
    return new Earliest();
  }

  /** The next offset: the group skips everything stored so far. */
  static ResetTarget latest() {
    return new Latest();
  }

  /** That offset in every partition. */
  static ResetTarget offset(long offset) {
    return new ToOffset(offset);
  }

  /** The first offset whose timestamp is at or after {@code time}, or the next offset. */
  static ResetTarget time(Instant time) {
    return new ToTime(Objects.requireNonNull(time, "time"));
  }

  /**
   * The committed offset moved by {@code delta} (negative: back); a partition without a committed
   * offset moves from its earliest offset.
   */
  static ResetTarget shiftBy(long delta) {
    return new ShiftBy(delta);
  }

  record Earliest() implements ResetTarget {}

  record Latest() implements ResetTarget {}

  record ToOffset(long offset) implements ResetTarget {
    public ToOffset {
      if (offset < 0) {
        throw new IllegalArgumentException("offset < 0: " + offset);
      }
    }
  }

  record ToTime(Instant time) implements ResetTarget {}

  record ShiftBy(long delta) implements ResetTarget {}
}
