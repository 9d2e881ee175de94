package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import java.util.Map;
import java.util.Set;

/**
 * A member's standing as its last committed group step left the file: the group's generation, the
 * partitions it holds (with the generation it took each in) and those assigned to it. Published by
 * the writer thread after the commit, read by the member's poll thread. Immutable.
 */
public record MemberView(
    long generation, Status status, Map<TopicPartition, Long> owned, Set<TopicPartition> assigned) {

  public enum Status {
    /** In the group. */
    MEMBER,
    /** Its row is gone: its session expired (it stopped heartbeating or polling). */
    EXPIRED,
    /** A newer member took over its static instance id. */
    REPLACED
  }

  public MemberView {
    owned = Map.copyOf(owned);
    assigned = Set.copyOf(assigned);
  }

  /** Before the member's first sync. */
  static final MemberView JOINING = new MemberView(-1, Status.MEMBER, Map.of(), Set.of());

  /** Assigned partitions it does not hold yet: another member still has to let them go. */
  public boolean isWaiting() {
    for (TopicPartition partition : assigned) {
      if (!owned.containsKey(partition)) {
        return true;
      }
    }
    return false;
  }
}
