package dev.onelog.group;

import java.util.List;

/**
 * A group as the file records it: its state and generation, the assignor its members use, its live
 * members, and its offsets and lag per partition (every partition it has committed offsets for or
 * is assigned).
 */
public record GroupDescription(
    String groupId,
    GroupState state,
    long generation,
    Assignor assignor,
    List<MemberDescription> members,
    List<PartitionOffset> offsets) {

  /** The sum of the partitions' lags, counting those without a committed offset as 0. */
  public long totalLag() {
    return offsets.stream().mapToLong(o -> Math.max(0, o.lag())).sum();
  }
}
