package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Kafka's range assignor: per topic, the members subscribing to it in order, each a consecutive
 * range; the first {@code partitions % members} get one more.
 */
final class RangeAssignor implements PartitionAssignor {
  @Override
  public Map<TopicPartition, String> assign(
      List<String> members,
      Map<String, Set<String>> subscribed,
      SortedMap<String, Integer> partitionCounts,
      Map<TopicPartition, String> previous) {
    Map<TopicPartition, String> assignment = new HashMap<>();
    for (Map.Entry<String, Integer> topic : partitionCounts.entrySet()) {
      List<String> takers =
          members.stream()
              .filter(m -> subscribed.getOrDefault(m, Set.of()).contains(topic.getKey()))
              .toList();
      if (takers.isEmpty()) {
        continue;
      }
      int partitions = topic.getValue();
      int each = partitions / takers.size();
      int extra = partitions % takers.size();
      int next = 0;
      for (int i = 0; i < takers.size(); i++) {
        int count = each + (i < extra ? 1 : 0);
        for (int k = 0; k < count; k++) {
          assignment.put(new TopicPartition(topic.getKey(), next++), takers.get(i));
        }
      }
    }
    return assignment;
  }
}
