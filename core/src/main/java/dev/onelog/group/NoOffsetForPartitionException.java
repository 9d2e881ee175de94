package dev.onelog.group;

import dev.onelog.OneLogException;
import dev.onelog.TopicPartition;

/**
 * A member with {@link OffsetReset#NONE} got a partition whose committed offset is missing or no
 * longer in the log. {@code committedOffset} is -1 when there is none; {@code earliestOffset} and
 * {@code nextOffset} bound the offsets the partition holds now.
 */
public class NoOffsetForPartitionException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final TopicPartition partition;
  private final long committedOffset;
  private final long earliestOffset;
  private final long nextOffset;

  public NoOffsetForPartitionException(
      String message,
      TopicPartition partition,
      long committedOffset,
      long earliestOffset,
      long nextOffset) {
    super(message);
    this.partition = partition;
    this.committedOffset = committedOffset;
    this.earliestOffset = earliestOffset;
    this.nextOffset = nextOffset;
  }

  public TopicPartition partition() {
    return partition;
  }

  public long committedOffset() {
    return committedOffset;
  }

  public long earliestOffset() {
    return earliestOffset;
  }

  public long nextOffset() {
    return nextOffset;
  }
}
