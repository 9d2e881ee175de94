package dev.onelog;

import java.util.ArrayList;
import java.util.List;

/** Reads a whole partition in pages, for tests that compare it with what they wrote. */
final class PartitionRecords {
  private PartitionRecords() {}

  /** Every record the partition holds, from its earliest offset, in order. */
  static List<LogRecord> all(OneLog log, TopicPartition partition) {
    List<LogRecord> records = new ArrayList<>();
    long next = log.earliestOffset(partition);
    while (true) {
      List<LogRecord> page = log.read(partition, next, ReadLimit.records(10_000));
      if (page.isEmpty()) {
        return records;
      }
      records.addAll(page);
      next = page.get(page.size() - 1).offset() + 1;
    }
  }
}
