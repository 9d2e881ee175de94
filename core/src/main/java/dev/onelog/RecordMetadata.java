package dev.onelog;

/** Where an appended record was stored: its topic, partition and offset, and its timestamp. */
public record RecordMetadata(String topic, int partition, long offset, long timestampMs) {
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }
}
