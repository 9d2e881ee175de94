package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.TopicDescription;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code onelog topics describe NAME}: the topic's configuration, then one line per partition. */
@Command(
    name = "describe",
    description =
        "Print a topic's configuration and, per partition, its earliest and next offset,"
            + " record count, bytes and newest timestamp, and in a compacted topic its cleaner"
            + " point and dirty share.")
final class DescribeTopicCommand extends LogCommand {
  @Parameters(paramLabel = "NAME", description = "The topic to describe.")
  String name;

  @Override
  public Integer call() {
    TopicDescription topic;
    try (OneLog log = openForReading()) {
      topic = log.describeTopic(name);
    }
    PrintWriter out = out();
    TopicSettings.print(out, topic.spec());
    TopicSettings.line(out, "created", Instant.ofEpochMilli(topic.createdAtMs()).toString());
    TopicSettings.line(
        out, "records", topic.recordCount() + " (" + topic.sizeInBytes() + " bytes)");
    out.println();
    new PartitionTable().add(topic).print(out);
    return 0;
  }
}
