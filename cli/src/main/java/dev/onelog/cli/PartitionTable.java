package dev.onelog.cli;

import dev.onelog.PartitionDescription;
import dev.onelog.TopicDescription;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-partition table that {@code topics describe} and {@code stats} print. When a topic in it
 * compacts, two columns join, {@code CLEANER POINT} (below it a partition holds one record per key)
 * and {@code DIRTY} (the share of its bytes written since, which compaction compares with the
 * topic's min dirty ratio); they are {@code -} in the rows of topics that do not compact.
 */
final class PartitionTable {
  private final List<TopicDescription> topics = new ArrayList<>();

  PartitionTable add(TopicDescription topic) {
    topics.add(topic);
    return this;
  }

  void print(PrintWriter out) {
    boolean compaction = topics.stream().anyMatch(t -> t.spec().compacted());
    TextTable table =
        compaction
            ? new TextTable(
                "TOPIC",
                "PARTITION",
                "EARLIEST",
                "NEXT",
                "RECORDS",
                "BYTES",
                "CLEANER POINT",
                "DIRTY",
                "NEWEST TIMESTAMP")
            : new TextTable(
                "TOPIC", "PARTITION", "EARLIEST", "NEXT", "RECORDS", "BYTES", "NEWEST TIMESTAMP");
    for (TopicDescription topic : topics) {
      for (PartitionDescription p : topic.partitions()) {
        List<Object> row = new ArrayList<>();
        row.addAll(
            List.of(
                topic.name(),
                p.partition(),
                p.earliestOffset(),
                p.nextOffset(),
                p.recordCount(),
                p.sizeInBytes()));
        if (compaction) {
          row.add(cleanerPoint(p));
          row.add(dirtyShare(p));
        }
        row.add(newestTimestamp(p));
        table.row(row.toArray());
      }
    }
    table.print(out);
  }

  /** The cleaner point, or {@link TextTable#NONE} in a topic that does not compact. */
  static Object cleanerPoint(PartitionDescription partition) {
    return partition.cleanerOffset() < 0 ? TextTable.NONE : partition.cleanerOffset();
  }

  /**
   * The dirty share as a ratio with two decimals ({@code 0.38}), comparable with the topic's min
   * dirty ratio, or {@link TextTable#NONE} in a topic that does not compact.
   */
  static Object dirtyShare(PartitionDescription partition) {
    return partition.cleanerOffset() < 0
        ? TextTable.NONE
        : BigDecimal.valueOf(partition.dirtyShare()).setScale(2, RoundingMode.HALF_UP);
  }

  /** The newest record's time as an ISO-8601 instant, or "-" for an empty partition. */
  static String newestTimestamp(PartitionDescription partition) {
    return partition.lastTimestampMs() < 0
        ? "-"
        : Instant.ofEpochMilli(partition.lastTimestampMs()).toString();
  }
}
