package dev.onelog.internal.read;

import dev.onelog.TopicPartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer reads where: a position per assigned partition, in assignment order, the topic id
 * each position refers to (a new id means the topic was re-created), the paused partitions, and,
 * for a group member, the partitions found deleted or re-created ({@code stale}). Not thread-safe:
 * its consumer's thread.
 */
final class FetchPositions {
  private final String owner;
  private final LinkedHashMap<TopicPartition, Long> positions = new LinkedHashMap<>();
  private final Map<TopicPartition, Long> topicIds = new HashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();

  /** Null for a plain consumer, whose poll throws instead. */
  private final Set<TopicPartition> stale;

  FetchPositions(String owner, boolean collectsStale) {
    this.owner = owner;
    this.stale = collectsStale ? new LinkedHashSet<>() : null;
  }

  void assign(TopicPartition partition, long topicId, long position) {
    topicIds.put(partition, topicId);
    positions.put(partition, position);
  }

  void unassign(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      positions.remove(partition);
      paused.remove(partition);
      topicIds.remove(partition);
      if (stale != null) {
        stale.remove(partition);
      }
    }
  }

  List<TopicPartition> assignment() {
    return List.copyOf(positions.keySet());
  }

  /**
   * @throws IllegalArgumentException when the partition is not assigned
   */
  long position(TopicPartition partition) {
    Long position = positions.get(partition);
    if (position == null) {
      throw notAssigned(partition);
    }
    return position;
  }

  void seek(TopicPartition partition, long offset) {
    position(partition);
    if (offset < 0) {
      throw new IllegalArgumentException("offset < 0: " + offset);
    }
    positions.put(partition, offset);
  }

  /** Moves past what a fetch returned, or to a re-created topic's start. */
  void advance(TopicPartition partition, long nextOffset) {
    positions.put(partition, nextOffset);
  }

  void pause(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      position(partition);
    }
    paused.addAll(partitions);
  }

  void resume(Collection<TopicPartition> partitions) {
    paused.removeAll(partitions);
  }

  Set<TopicPartition> paused() {
    return Set.copyOf(paused);
  }

  /** Whether a fetch skips the partition: paused, or stale. */
  boolean skips(TopicPartition partition) {
    return paused.contains(partition) || stale != null && stale.contains(partition);
  }

  /** The topic id the partition's position refers to, or null. */
  Long topicId(TopicPartition partition) {
    return topicIds.get(partition);
  }

  /** Points every partition of the topic at the re-created topic's start. */
  void restartTopic(String topic, long newTopicId) {
    for (TopicPartition partition : positions.keySet()) {
      if (partition.topic().equals(topic)) {
        positions.put(partition, 0L); // the earliest offset of a new topic's partitions
        topicIds.put(partition, newTopicId);
      }
    }
  }

  boolean collectsStale() {
    return stale != null;
  }

  void markStale(TopicPartition partition) {
    stale.add(partition);
  }

  Set<TopicPartition> takeStale() {
    if (stale == null || stale.isEmpty()) {
      return Set.of();
    }
    Set<TopicPartition> taken = Set.copyOf(stale);
    stale.clear();
    return taken;
  }

  Set<TopicPartition> withTopicIds() {
    return Set.copyOf(topicIds.keySet());
  }

  IllegalArgumentException notAssigned(TopicPartition partition) {
    return new IllegalArgumentException(
        partition + " is not assigned to " + owner + "; assigned: " + positions.keySet());
  }
}
