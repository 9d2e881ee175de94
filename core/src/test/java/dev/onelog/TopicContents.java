package dev.onelog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every record of a topic read back, by value, for the batteries that check what a file kept. */
final class TopicContents {
  private TopicContents() {}

  /**
   * Each value of {@code topic}'s records with where it is, as {partition, offset}, once per record
   * (a value kept twice has two entries), partitions in order; empty when there is no such topic.
   */
  static Map<String, List<long[]>> byValue(OneLog log, String topic) {
    Map<String, List<long[]>> values = new LinkedHashMap<>();
    if (!log.topics().contains(topic)) {
      return values;
    }
    int partitions = log.describeTopic(topic).partitions().size();
    for (int p = 0; p < partitions; p++) {
      TopicPartition partition = new TopicPartition(topic, p);
      long next = log.earliestOffset(partition);
      for (List<LogRecord> page;
          !(page = log.read(partition, next, ReadLimit.records(10_000))).isEmpty(); ) {
        for (LogRecord record : page) {
          values
              .computeIfAbsent(record.valueAsString(), v -> new ArrayList<>())
              .add(new long[] {p, record.offset()});
        }
        next = page.get(page.size() - 1).offset() + 1;
      }
    }
    return values;
  }

  /** The first value kept more than once, or null. */
  static String firstDuplicate(Map<String, List<long[]>> values) {
    return values.entrySet().stream()
        .filter(e -> e.getValue().size() > 1)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }
}
