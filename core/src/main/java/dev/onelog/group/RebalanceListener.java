package dev.onelog.group;

import dev.onelog.TopicPartition;
import java.util.Collection;

/**
 * Told when a member's partitions change, on the thread that calls {@link GroupConsumer#poll} (or
 * {@link GroupConsumer#close}), as Kafka's {@code ConsumerRebalanceListener}.
 *
 * <p>{@link #onPartitionsRevoked} runs while the member still holds the partitions: no other member
 * gets them before it returns, so committing offsets here is safe. {@link #onPartitionsAssigned}
 * runs after the member took them, before any of their records is returned. {@link
 * #onPartitionsLost} runs when the partitions were already taken away (the member's session
 * expired): committing them would fail.
 */
public interface RebalanceListener {
  void onPartitionsRevoked(Collection<TopicPartition> partitions);

  void onPartitionsAssigned(Collection<TopicPartition> partitions);

  /** By default, as Kafka, the same as {@link #onPartitionsRevoked}. */
  default void onPartitionsLost(Collection<TopicPartition> partitions) {
    onPartitionsRevoked(partitions);
  }

  /** A listener that does nothing. */
  RebalanceListener NONE =
      new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
      };
}
