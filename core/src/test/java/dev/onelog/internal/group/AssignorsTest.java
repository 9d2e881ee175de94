package dev.onelog.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AssignorsTest {
  private static final SortedMap<String, Integer> TOPICS = new TreeMap<>(Map.of("a", 3, "b", 2));

  private static Map<String, Set<String>> everyoneSubscribes(List<String> members) {
    Map<String, Set<String>> subscribed = new HashMap<>();
    members.forEach(m -> subscribed.put(m, Set.of("a", "b")));
    return subscribed;
  }

  private static Map<String, List<String>> byMember(Map<TopicPartition, String> assignment) {
    return assignment.entrySet().stream()
        .collect(
            Collectors.groupingBy(
                Map.Entry::getValue,
                TreeMap::new,
                Collectors.mapping(e -> e.getKey().toString(), Collectors.toList())))
        .entrySet()
        .stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue().stream().sorted().toList(),
                (x, y) -> x,
                TreeMap::new));
  }

  @Test
  void rangeGivesEachMemberConsecutivePartitionsOfEachTopicAsKafkaDoes() {
    List<String> members = List.of("m1", "m2");
    Map<TopicPartition, String> assignment =
        new RangeAssignor().assign(members, everyoneSubscribes(members), TOPICS, Map.of());
    assertEquals(
        Map.of("m1", List.of("a-0", "a-1", "b-0"), "m2", List.of("a-2", "b-1")),
        byMember(assignment));
  }

  @Test
  void roundRobinDealsEveryPartitionInTurnAsKafkaDoes() {
    List<String> members = List.of("m1", "m2");
    Map<TopicPartition, String> assignment =
        new RoundRobinAssignor().assign(members, everyoneSubscribes(members), TOPICS, Map.of());
    assertEquals(
        Map.of("m1", List.of("a-0", "a-2", "b-1"), "m2", List.of("a-1", "b-0")),
        byMember(assignment));
  }

  @Test
  void roundRobinSkipsMembersNotSubscribedToATopic() {
    List<String> members = List.of("m1", "m2");
    Map<String, Set<String>> subscribed = Map.of("m1", Set.of("a", "b"), "m2", Set.of("a"));
    Map<TopicPartition, String> assignment =
        new RoundRobinAssignor().assign(members, subscribed, TOPICS, Map.of());
    assertTrue(byMember(assignment).get("m2").stream().allMatch(p -> p.startsWith("a-")));
    assertEquals(5, assignment.size());
  }

  @Test
  void stickyMovesOnlyWhatANewMemberNeedsAndKeepsTheRest() {
    List<String> two = List.of("m1", "m2");
    Map<TopicPartition, String> before =
        new StickyAssignor().assign(two, everyoneSubscribes(two), TOPICS, Map.of());
    List<String> three = List.of("m1", "m2", "m3");
    Map<TopicPartition, String> after =
        new StickyAssignor().assign(three, everyoneSubscribes(three), TOPICS, before);
    long moved = before.keySet().stream().filter(p -> !before.get(p).equals(after.get(p))).count();
    assertEquals(1, moved, before + " -> " + after);
    Map<String, List<String>> shares = byMember(after);
    assertEquals(3, shares.size());
    assertTrue(
        shares.values().stream().allMatch(s -> s.size() == 1 || s.size() == 2), shares.toString());
  }

  @Test
  void stickyIsAFixpoint() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int memberCount = 1 + random.nextInt(6);
      List<String> members =
          java.util.stream.IntStream.range(0, memberCount).mapToObj(i -> "m" + i).toList();
      SortedMap<String, Integer> topics = new TreeMap<>();
      for (int t = 0; t < 1 + random.nextInt(4); t++) {
        topics.put("t" + t, 1 + random.nextInt(8));
      }
      Map<String, Set<String>> subscribed = new HashMap<>();
      for (String member : members) {
        subscribed.put(
            member,
            topics.keySet().stream()
                .filter(t -> random.nextInt(4) > 0)
                .collect(Collectors.toSet()));
      }
      Map<TopicPartition, String> previous = new HashMap<>();
      for (Map.Entry<String, Integer> topic : topics.entrySet()) {
        for (int p = 0; p < topic.getValue(); p++) {
          previous.put(
              new TopicPartition(topic.getKey(), p), members.get(random.nextInt(members.size())));
        }
      }
      StickyAssignor sticky = new StickyAssignor();
      Map<TopicPartition, String> once = sticky.assign(members, subscribed, topics, previous);
      Map<TopicPartition, String> twice = sticky.assign(members, subscribed, topics, once);
      assertEquals(once, twice, "round " + round);
      for (Map.Entry<TopicPartition, String> entry : once.entrySet()) {
        assertTrue(subscribed.get(entry.getValue()).contains(entry.getKey().topic()));
      }
    }
  }
}
