package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog delete-records TOPIC --partition P --before OFFSET}: Kafka's DeleteRecords ({@code
 * kafka-delete-records.sh}) through {@link OneLog#deleteRecordsBefore}: the partition's records
 * below the offset go, even inside a batch, and its earliest offset becomes the offset.
 */
@Command(
    name = "delete-records",
    sortOptions = false,
    description = {
      "Delete a partition's records below an offset, as Kafka's DeleteRecords: its earliest"
          + " offset becomes exactly that offset. Offsets are never reused."
    })
final class DeleteRecordsCommand extends LogCommand {
  @Parameters(paramLabel = "TOPIC", description = "The topic.")
  String topic;

  @Option(names = "--partition", paramLabel = "P", required = true, description = "The partition.")
  int partition;

  @Option(
      names = "--before",
      paramLabel = "OFFSET",
      required = true,
      description = "Delete the records below this offset (at most the partition's next offset).")
  long before;

  @Override
  public Integer call() {
    if (partition < 0 || before < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--partition and --before must be 0 or more, were " + partition + " and " + before);
    }
    TopicPartition target = new TopicPartition(topic, partition);
    long earliest;
    try (OneLog log = openExistingLog()) {
      earliest = log.deleteRecordsBefore(target, before);
    }
    out().println(target + ": earliest offset " + earliest);
    return 0;
  }
}
