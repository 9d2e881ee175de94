package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.TopicDescription;
import dev.onelog.TopicSpec;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code onelog topics describe NAME}: the topic's configuration, then one line per partition. */
@Command(
    name = "describe",
    description =
        "Print a topic's configuration and, per partition, its earliest and next offset,"
            + " record count, bytes and newest timestamp.")
final class DescribeTopicCommand extends LogCommand {
  @Parameters(paramLabel = "NAME", description = "The topic to describe.")
  String name;

  @Override
  public Integer call() {
    TopicDescription topic;
    try (OneLog log = openForReading()) {
      topic = log.describeTopic(name);
    }
    TopicSpec config = topic.spec();
    PrintWriter out = out();
    out.println("topic:           " + topic.name());
    out.println("partitions:      " + config.partitions());
    out.println("cleanup policy:  " + config.cleanupPolicy().configValue());
    out.println(
        "retention:       "
            + (config.retention() == null
                ? "unlimited"
                : DurationConverter.format(config.retention())));
    out.println(
        "retention bytes: "
            + (config.retentionBytes() == null
                ? "unlimited"
                : SizeConverter.describe(config.retentionBytes()) + " per partition"));
    out.println("created:         " + Instant.ofEpochMilli(topic.createdAtMs()));
    out.println("records:         " + topic.recordCount() + " (" + topic.sizeInBytes() + " bytes)");
    out.println();
    new PartitionTable().add(topic).print(out);
    return 0;
  }
}
