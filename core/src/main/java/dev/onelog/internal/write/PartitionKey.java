package dev.onelog.internal.write;

/**
 * A partition by topic id and number, as a hash key on the write path. Not a record: a record's
 * {@code hashCode} and {@code equals} are bootstrapped method handles, slow until compiled; in a
 * fresh JVM's first 2M sends they took a tenth of the senders' CPU and a twentieth of the writer's
 * (measured, docs/BENCHMARKS.md "The fourth pass"). These are plain code.
 */
final class PartitionKey {
  final long topicId;
  final int partition;

  PartitionKey(long topicId, int partition) {
    this.topicId = topicId;
    this.partition = partition;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PartitionKey key
        && key.topicId == topicId
        && key.partition == partition;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(topicId) * 31 + partition;
  }
}
