package dev.onelog.cli;

import dev.onelog.CleanupPolicy;
import dev.onelog.OneLog;
import dev.onelog.TopicSpec;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code onelog topics create NAME}: creates a topic, and the file when it is missing. */
@Command(
    name = "create",
    sortOptions = false,
    description = "Create a topic (and the log file when it is missing).")
final class CreateTopicCommand extends LogCommand {
  @Parameters(paramLabel = "NAME", description = "1 to 249 characters of [a-zA-Z0-9._-].")
  String name;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "1",
      description = "Number of partitions (default 1).")
  int partitions;

  @Option(
      names = "--cleanup",
      paramLabel = "POLICY",
      defaultValue = "delete",
      converter = PolicyConverter.class,
      description =
          "Kafka's cleanup.policy: delete (by retention; the default), compact (keep the newest"
              + " record of each key) or compact,delete.")
  CleanupPolicy cleanup;

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Kafka's retention.ms: delete records older than this: 7d, 12h, 30m, 45s, 500ms or"
              + " ISO-8601 (PT1H). Default: keep forever.")
  Duration retention;

  @Option(
      names = "--retention-bytes",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description =
          "Kafka's retention.bytes: keep at most this many bytes per partition: 1024, 10KiB,"
              + " 5MiB, 1GiB (powers of 1024) or 10KB, 5MB, 1GB (powers of 1000). Default:"
              + " unlimited.")
  Long retentionBytes;

  @Mixin CompactionOptions compaction = new CompactionOptions();

  @Override
  public Integer call() {
    TopicSpec topic = topicSpec();
    try (OneLog log = openLog()) {
      log.createTopic(topic);
    }
    out().println("created topic '" + name + "' with " + count(partitions, "partition"));
    return 0;
  }

  private TopicSpec topicSpec() {
    if (partitions < 1 || partitions > TopicSpec.MAX_PARTITIONS) {
      throw new ParameterException(
          spec.commandLine(),
          "--partitions must be 1.." + TopicSpec.MAX_PARTITIONS + ", was " + partitions);
    }
    TopicSpec topic =
        TopicSpec.named(name)
            .withPartitions(partitions)
            .withCleanupPolicy(cleanup)
            .withRetention(retention);
    // Unset options keep TopicSpec's defaults, which are Kafka's.
    if (retentionBytes != null) {
      topic = topic.withRetentionBytes(retentionBytes);
    }
    return compaction.applyTo(topic);
  }

  /** Kafka's spelling of {@code cleanup.policy}; the error names the accepted values. */
  static final class PolicyConverter implements ITypeConverter<CleanupPolicy> {
    @Override
    public CleanupPolicy convert(String text) {
      try {
        return CleanupPolicy.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
