package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Kafka's round-robin assignor: every subscribed partition in order of topic and partition, dealt
 * to the members in turn, skipping a member that does not subscribe to the partition's topic.
 */
final class RoundRobinAssignor implements PartitionAssignor {
  @Override
  public Map<TopicPartition, String> assign(
      List<String> members,
      Map<String, Set<String>> subscribed,
      SortedMap<String, Integer> partitionCounts,
      Map<TopicPartition, String> previous) {
    Map<TopicPartition, String> assignment = new HashMap<>();
    int next = 0;
    for (Map.Entry<String, Integer> topic : partitionCounts.entrySet()) {
      for (int p = 0; p < topic.getValue(); p++) {
        for (int tried = 0; tried < members.size(); tried++) {
          String member = members.get(next % members.size());
          next++;
          if (subscribed.getOrDefault(member, Set.of()).contains(topic.getKey())) {
            assignment.put(new TopicPartition(topic.getKey(), p), member);
            break;
          }
        }
      }
    }
    return assignment;
  }
}
