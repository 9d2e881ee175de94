package dev.onelog.cli;

import dev.onelog.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The compaction settings {@code topics create} and {@code topics alter} share, as a picocli mixin:
 * Kafka's delete.retention.ms, min.cleanable.dirty.ratio and min.compaction.lag.ms. An option not
 * given leaves the setting as it is (on create: TopicSpec's defaults, which are Kafka's).
 */
final class CompactionOptions {
  @Option(
      names = "--delete-retention",
      paramLabel = "DURATION",
      converter = DurationConverter.ZeroOrMore.class,
      description =
          "Kafka's delete.retention.ms: how long compaction keeps a tombstone (a record with no"
              + " value), so that slow readers still see the delete. Default on create: 1d.")
  Duration deleteRetention;

  @Option(
      names = "--min-dirty-ratio",
      paramLabel = "R",
      converter = RatioConverter.class,
      description =
          "Kafka's min.cleanable.dirty.ratio: compact a partition once the bytes written since"
              + " its last compaction are at least this share of it, 0 to 1. Default on create:"
              + " 0.5.")
  Double minDirtyRatio;

  @Option(
      names = "--min-compaction-lag",
      paramLabel = "DURATION",
      converter = DurationConverter.ZeroOrMore.class,
      description =
          "Kafka's min.compaction.lag.ms: leave records younger than this uncompacted."
              + " Default on create: 0s.")
  Duration minCompactionLag;

  /** The settings with the options given applied. */
  TopicSpec applyTo(TopicSpec spec) {
    TopicSpec next = spec;
    if (deleteRetention != null) {
      next = next.withDeleteRetention(deleteRetention);
    }
    if (minDirtyRatio != null) {
      next = next.withMinCleanableDirtyRatio(minDirtyRatio);
    }
    if (minCompactionLag != null) {
      next = next.withMinCompactionLag(minCompactionLag);
    }
    return next;
  }

  /** The options given, by name, for messages. */
  List<String> given() {
    List<String> given = new ArrayList<>();
    if (deleteRetention != null) {
      given.add("--delete-retention");
    }
    if (minDirtyRatio != null) {
      given.add("--min-dirty-ratio");
    }
    if (minCompactionLag != null) {
      given.add("--min-compaction-lag");
    }
    return given;
  }
}
