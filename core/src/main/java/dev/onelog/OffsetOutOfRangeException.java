package dev.onelog;

/**
 * An offset outside what a partition can give, as Kafka's {@code OffsetOutOfRangeException}: for
 * {@link OneLog#deleteRecordsBefore}, an offset below 0 or above the partition's next offset.
 */
public final class OffsetOutOfRangeException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final TopicPartition partition;
  private final long offset;
  private final long earliestOffset;
  private final long nextOffset;

  public OffsetOutOfRangeException(
      TopicPartition partition, long offset, long earliestOffset, long nextOffset) {
    super(
        "offset "
            + offset
            + " is out of range for "
            + partition
            + ": its records are at offsets "
            + earliestOffset
            + " to "
            + (nextOffset - 1)
            + " and the next one appended gets "
            + nextOffset
            + "; give an offset from 0 to "
            + nextOffset);
    this.partition = partition;
    this.offset = offset;
    this.earliestOffset = earliestOffset;
    this.nextOffset = nextOffset;
  }

  public TopicPartition partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  public long earliestOffset() {
    return earliestOffset;
  }

  public long nextOffset() {
    return nextOffset;
  }
}
