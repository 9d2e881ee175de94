package dev.onelog.cli;

import dev.onelog.CleanupPolicy;
import dev.onelog.OneLog;
import dev.onelog.TopicDescription;
import dev.onelog.TopicSpec;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code onelog topics alter NAME}: changes the settings given and keeps the others, as Kafka's
 * {@code kafka-configs --alter}, in one transaction that reads the current settings; then prints
 * the settings as {@code topics describe} does. Retention and compaction apply them in their next
 * passes ({@code onelog compact} runs one now).
 */
@Command(
    name = "alter",
    sortOptions = false,
    description =
        "Change a topic's cleanup policy, retention or compaction settings; the ones not given"
            + " stay as they are. Prints the resulting settings.")
final class AlterTopicCommand extends LogCommand {
  @Parameters(paramLabel = "NAME", description = "The topic to change.")
  String name;

  @Option(
      names = "--cleanup",
      paramLabel = "POLICY",
      converter = CreateTopicCommand.PolicyConverter.class,
      description =
          "Kafka's cleanup.policy: delete, compact or compact,delete. A topic that holds a record"
              + " without a key cannot become compacted.")
  CleanupPolicy cleanup;

  @Option(
      names = "--retention",
      paramLabel = "DURATION|forever",
      converter = RetentionConverter.class,
      description =
          "Kafka's retention.ms: delete records older than this (7d, 12h, PT1H), or forever.")
  Limit<Duration> retention;

  @Option(
      names = "--retention-bytes",
      paramLabel = "SIZE|unlimited",
      converter = RetentionBytesConverter.class,
      description =
          "Kafka's retention.bytes: keep at most this many bytes per partition (10KiB, 5MB,"
              + " 1GiB), or unlimited.")
  Limit<Long> retentionBytes;

  @Mixin CompactionOptions compaction = new CompactionOptions();

  @Override
  public Integer call() {
    if (cleanup == null && retention == null && retentionBytes == null && !changesCompaction()) {
      throw new ParameterException(
          spec.commandLine(),
          "nothing to change: give at least one of --cleanup, --retention, --retention-bytes,"
              + " --delete-retention, --min-dirty-ratio, --min-compaction-lag");
    }
    TopicDescription topic;
    try (OneLog log = openExistingLog()) {
      topic = log.alterTopic(name, this::change);
    }
    TopicSettings.print(out(), topic.spec());
    if (changesCompaction() && !topic.spec().compacted()) {
      err()
          .println(
              "onelog: topic '"
                  + name
                  + "' does not compact (cleanup policy delete), so its compaction settings ("
                  + String.join(", ", compaction.given())
                  + ") apply only once its policy is compact or compact,delete");
    }
    return 0;
  }

  /** The settings given, applied to the current ones inside the writer's transaction. */
  private TopicSpec change(TopicSpec current) {
    TopicSpec next = current;
    if (cleanup != null) {
      next = next.withCleanupPolicy(cleanup);
    }
    if (retention != null) {
      next = next.withRetention(retention.value());
    }
    if (retentionBytes != null) {
      next =
          retentionBytes.unlimited()
              ? next.withUnlimitedRetentionBytes()
              : next.withRetentionBytes(retentionBytes.value());
    }
    return compaction.applyTo(next);
  }

  private boolean changesCompaction() {
    return !compaction.given().isEmpty();
  }

  /** A limit that may be lifted: a null value means none (retention forever, unlimited bytes). */
  record Limit<T>(T value) {
    boolean unlimited() {
      return value == null;
    }
  }

  /** A duration, or {@code forever}. */
  static final class RetentionConverter implements ITypeConverter<Limit<Duration>> {
    @Override
    public Limit<Duration> convert(String text) {
      if (text.trim().toLowerCase(Locale.ROOT).equals("forever")) {
        return new Limit<>(null);
      }
      try {
        return new Limit<>(DurationConverter.parse(text));
      } catch (TypeConversionException e) {
        throw new TypeConversionException(e.getMessage() + "; or forever");
      }
    }
  }

  /** A size, or {@code unlimited}. */
  static final class RetentionBytesConverter implements ITypeConverter<Limit<Long>> {
    @Override
    public Limit<Long> convert(String text) {
      if (text.trim().toLowerCase(Locale.ROOT).equals("unlimited")) {
        return new Limit<>(null);
      }
      try {
        return new Limit<>(SizeConverter.parse(text));
      } catch (TypeConversionException e) {
        throw new TypeConversionException(e.getMessage() + "; or unlimited");
      }
    }
  }
}
