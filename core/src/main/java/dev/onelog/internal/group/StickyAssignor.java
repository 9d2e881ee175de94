package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Balanced shares that move as few partitions as possible:
 *
 * <ol>
 *   <li>every partition keeps its previous member while that member is still in the group and
 *       subscribes to its topic;
 *   <li>each remaining partition, in order, goes to the subscribing member holding the fewest;
 *   <li>while some member holds at least two more than another member that could take one of its
 *       partitions, its first such partition moves to the one holding the fewest.
 * </ol>
 *
 * An assignment that is already balanced is returned unchanged, so computing it again moves
 * nothing. Ties go to the member that comes first. Cost: about partitions squared times members in
 * the worst case, which is small for the thousands of partitions a file holds.
 */
final class StickyAssignor implements PartitionAssignor {
  @Override
  public Map<TopicPartition, String> assign(
      List<String> members,
      Map<String, Set<String>> subscribed,
      SortedMap<String, Integer> partitionCounts,
      Map<TopicPartition, String> previous) {
    Map<String, Integer> order = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      order.put(members.get(i), i);
    }
    List<TopicPartition> partitions = new ArrayList<>();
    Map<TopicPartition, List<String>> eligible = new HashMap<>();
    for (Map.Entry<String, Integer> topic : partitionCounts.entrySet()) {
      List<String> takers =
          members.stream()
              .filter(m -> subscribed.getOrDefault(m, Set.of()).contains(topic.getKey()))
              .toList();
      if (takers.isEmpty()) {
        continue;
      }
      for (int p = 0; p < topic.getValue(); p++) {
        TopicPartition partition = new TopicPartition(topic.getKey(), p);
        partitions.add(partition);
        eligible.put(partition, takers);
      }
    }
    Map<String, Integer> counts = new HashMap<>();
    members.forEach(m -> counts.put(m, 0));
    Map<TopicPartition, String> assignment = new HashMap<>();
    for (TopicPartition partition : partitions) {
      String was = previous.get(partition);
      if (was != null && eligible.get(partition).contains(was)) {
        assignment.put(partition, was);
        counts.merge(was, 1, Integer::sum);
      }
    }
    Comparator<String> fewest =
        Comparator.<String>comparingInt(counts::get).thenComparing(order::get);
    for (TopicPartition partition : partitions) {
      if (!assignment.containsKey(partition)) {
        String taker = eligible.get(partition).stream().min(fewest).orElseThrow();
        assignment.put(partition, taker);
        counts.merge(taker, 1, Integer::sum);
      }
    }
    while (moveOne(partitions, eligible, assignment, counts, fewest, order)) {
      // each move lowers the sum of squared counts, so this ends
    }
    return assignment;
  }

  /** Moves one partition from the fullest member that can give one; false when none can. */
  private static boolean moveOne(
      List<TopicPartition> partitions,
      Map<TopicPartition, List<String>> eligible,
      Map<TopicPartition, String> assignment,
      Map<String, Integer> counts,
      Comparator<String> fewest,
      Map<String, Integer> order) {
    List<String> fullestFirst = new ArrayList<>(counts.keySet());
    fullestFirst.sort(
        Comparator.<String>comparingInt(counts::get).reversed().thenComparing(order::get));
    for (String giver : fullestFirst) {
      for (TopicPartition partition : partitions) {
        if (!giver.equals(assignment.get(partition))) {
          continue;
        }
        String taker = eligible.get(partition).stream().min(fewest).orElseThrow();
        if (counts.get(giver) > counts.get(taker) + 1) {
          assignment.put(partition, taker);
          counts.merge(giver, -1, Integer::sum);
          counts.merge(taker, 1, Integer::sum);
          return true;
        }
      }
    }
    return false;
  }
}
