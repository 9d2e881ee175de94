package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import dev.onelog.group.Assignor;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Divides a group's subscribed partitions among its members. Implementations are pure functions of
 * their arguments, so that every process computing the assignment from the same file state gets the
 * same answer, and computing it again when nothing changed changes nothing.
 */
interface PartitionAssignor {
  /**
   * @param members the members' ids, in the order the assignor deals in
   * @param subscribed per member, the topics it subscribes to that exist
   * @param partitionCounts per existing topic subscribed by anyone, its partition count, by name
   * @param previous the current assignment (partition to member), for sticky assignors
   * @return the member each subscribed partition is assigned to
   */
  Map<TopicPartition, String> assign(
      List<String> members,
      Map<String, java.util.Set<String>> subscribed,
      SortedMap<String, Integer> partitionCounts,
      Map<TopicPartition, String> previous);

  static PartitionAssignor of(Assignor assignor) {
    return switch (assignor) {
      case RANGE -> new RangeAssignor();
      case ROUND_ROBIN -> new RoundRobinAssignor();
      case STICKY -> new StickyAssignor();
    };
  }
}
