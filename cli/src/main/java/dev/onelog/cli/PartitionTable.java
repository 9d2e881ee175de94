package dev.onelog.cli;

import dev.onelog.PartitionDescription;
import dev.onelog.TopicDescription;
import java.io.PrintWriter;
import java.time.Instant;

/** The per-partition table that {@code topics describe} and {@code stats} print. */
final class PartitionTable {
  private final TextTable table =
      new TextTable(
          "TOPIC", "PARTITION", "EARLIEST", "NEXT", "RECORDS", "BYTES", "NEWEST TIMESTAMP");

  PartitionTable add(TopicDescription topic) {
    for (PartitionDescription p : topic.partitions()) {
      table.row(
          topic.name(),
          p.partition(),
          p.earliestOffset(),
          p.nextOffset(),
          p.recordCount(),
          p.sizeInBytes(),
          newestTimestamp(p));
    }
    return this;
  }

  void print(PrintWriter out) {
    table.print(out);
  }

  /** The newest record's time as an ISO-8601 instant, or "-" for an empty partition. */
  static String newestTimestamp(PartitionDescription partition) {
    return partition.lastTimestampMs() < 0
        ? "-"
        : Instant.ofEpochMilli(partition.lastTimestampMs()).toString();
  }
}
