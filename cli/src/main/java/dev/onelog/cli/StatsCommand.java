package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.PartitionDescription;
import dev.onelog.TopicDescription;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onelog stats}: per topic and partition the record count, bytes, earliest and next offset
 * and newest timestamp, and the file's size; a table, or with {@code --json} one object:
 *
 * <pre>{@code
 * {"file":"/data/onelog.db","fileSizeBytes":40960,"topicCount":1,"recordCount":3,"sizeInBytes":18,
 *  "topics":[{"name":"t","partitionCount":1,"cleanupPolicy":"compact","retentionMs":null,
 *   "retentionBytes":null,"deleteRetentionMs":86400000,"minCleanableDirtyRatio":0.5,
 *   "minCompactionLagMs":0,
 *   "createdAtMs":1714564800000,"recordCount":3,"sizeInBytes":18,
 *   "partitions":[{"partition":0,"earliestOffset":0,"nextOffset":3,"recordCount":3,
 *    "sizeInBytes":18,"newestTimestampMs":1714564800123,"cleanerOffset":2,"dirtyBytes":6,
 *    "dirtyShare":0.3333333333333333}]}]}
 * }</pre>
 *
 * {@code newestTimestampMs} is null for an empty partition; {@code cleanerOffset}, {@code
 * dirtyBytes} (the bytes above the cleaner point) and {@code dirtyShare} ({@code dirtyBytes /
 * sizeInBytes}) are null in a topic that does not compact. Sizes count keys, values and headers.
 */
@Command(
    name = "stats",
    description =
        "Print per topic and partition the records, bytes, offsets and newest timestamp (and in"
            + " compacted topics the cleaner point and dirty share), and the file's size.")
final class StatsCommand extends LogCommand {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    List<TopicDescription> topics = new ArrayList<>();
    String file;
    long fileSizeBytes;
    try (OneLog log = openForReading()) {
      file = log.path().toString();
      for (String name : log.topics()) {
        topics.add(log.describeTopic(name));
      }
      fileSizeBytes = log.fileSizeBytes();
    }
    if (json) {
      printJson(out(), file, fileSizeBytes, topics);
    } else {
      printTable(out(), file, fileSizeBytes, topics);
    }
    return 0;
  }

  private static void printTable(
      PrintWriter out, String file, long fileSizeBytes, List<TopicDescription> topics) {
    long records = topics.stream().mapToLong(TopicDescription::recordCount).sum();
    long bytes = topics.stream().mapToLong(TopicDescription::sizeInBytes).sum();
    int partitions = topics.stream().mapToInt(t -> t.partitions().size()).sum();
    out.println("file:    " + file + ", " + SizeConverter.describe(fileSizeBytes));
    out.println(
        "topics:  "
            + topics.size()
            + " with "
            + count(partitions, "partition")
            + ", "
            + count(records, "record")
            + ", "
            + bytes
            + " bytes of keys, values and headers");
    if (!topics.isEmpty()) {
      out.println();
      PartitionTable table = new PartitionTable();
      topics.forEach(table::add);
      table.print(out);
    }
  }

  private static void printJson(
      PrintWriter out, String file, long fileSizeBytes, List<TopicDescription> topics) {
    LineBuffer buffer = new LineBuffer();
    JsonWriter json =
        new JsonWriter(buffer)
            .beginObject()
            .name("file")
            .value(file)
            .name("fileSizeBytes")
            .value(fileSizeBytes)
            .name("topicCount")
            .value(topics.size())
            .name("recordCount")
            .value(topics.stream().mapToLong(TopicDescription::recordCount).sum())
            .name("sizeInBytes")
            .value(topics.stream().mapToLong(TopicDescription::sizeInBytes).sum())
            .name("topics")
            .beginArray();
    for (TopicDescription topic : topics) {
      json.beginObject()
          .name("name")
          .value(topic.name())
          .name("partitionCount")
          .value(topic.partitions().size())
          .name("cleanupPolicy")
          .value(topic.spec().cleanupPolicy().configValue())
          .name("retentionMs");
      if (topic.spec().retention() == null) {
        json.nullValue();
      } else {
        json.value(topic.spec().retention().toMillis());
      }
      json.name("retentionBytes");
      if (topic.spec().retentionBytes() == null) {
        json.nullValue();
      } else {
        json.value(topic.spec().retentionBytes());
      }
      json.name("deleteRetentionMs")
          .value(topic.spec().deleteRetention().toMillis())
          .name("minCleanableDirtyRatio")
          .value(topic.spec().minCleanableDirtyRatio())
          .name("minCompactionLagMs")
          .value(topic.spec().minCompactionLag().toMillis())
          .name("createdAtMs")
          .value(topic.createdAtMs())
          .name("recordCount")
          .value(topic.recordCount())
          .name("sizeInBytes")
          .value(topic.sizeInBytes())
          .name("partitions")
          .beginArray();
      for (PartitionDescription p : topic.partitions()) {
        json.beginObject()
            .name("partition")
            .value(p.partition())
            .name("earliestOffset")
            .value(p.earliestOffset())
            .name("nextOffset")
            .value(p.nextOffset())
            .name("recordCount")
            .value(p.recordCount())
            .name("sizeInBytes")
            .value(p.sizeInBytes())
            .name("newestTimestampMs");
        if (p.lastTimestampMs() < 0) {
          json.nullValue();
        } else {
          json.value(p.lastTimestampMs());
        }
        json.name("cleanerOffset");
        if (p.cleanerOffset() < 0) {
          json.nullValue().name("dirtyBytes").nullValue().name("dirtyShare").nullValue();
        } else {
          json.value(p.cleanerOffset())
              .name("dirtyBytes")
              .value(p.sizeInBytes() - p.cleanBytes())
              .name("dirtyShare")
              .value(p.dirtyShare());
        }
        json.endObject();
      }
      json.endArray().endObject();
    }
    json.endArray().endObject();
    out.println(buffer);
  }
}
