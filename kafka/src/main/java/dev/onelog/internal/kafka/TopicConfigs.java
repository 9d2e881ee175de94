package dev.onelog.internal.kafka;

import dev.onelog.CleanupPolicy;
import dev.onelog.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The topic configs onelog keeps, under Kafka's names, in one table: how each is read from a {@link
 * TopicSpec} and written into one, what values it accepts, and the broker config that holds its
 * default. CreateTopics, DescribeConfigs and IncrementalAlterConfigs all go through here, so a
 * config is supported by all of them or by none. Stateless and thread-safe.
 *
 * <p>A wrong name or value is refused with Kafka's {@link InvalidConfigurationException}
 * (INVALID_CONFIG), whose message names the config and says what it accepts.
 *
 * <p>Two things differ from Kafka. onelog stores a topic's settings, not which of them were set
 * explicitly, so a value equal to onelog's default is reported as a default and any other as a
 * topic config. And the defaults are onelog's ({@link TopicSpec#named}): a topic keeps its records
 * forever unless it is given a retention (Kafka's {@code retention.ms} default is 7 days).
 */
final class TopicConfigs {
  private TopicConfigs() {}

  /**
   * One config as it stands.
   *
   * @param isDefault whether the value is onelog's default (see the class doc)
   */
  record Value(
      String name, String value, boolean isDefault, ConfigType type, String documentation) {}

  /** Writes a value into a spec; throws IllegalArgumentException when the value is not valid. */
  @FunctionalInterface
  private interface Writer {
    TopicSpec write(TopicSpec spec, String value);
  }

  private record Config(
      String name,
      String brokerName,
      ConfigType type,
      String accepts,
      String documentation,
      Function<TopicSpec, String> read,
      Writer write) {}

  /** The one config whose value is a list: APPEND and SUBTRACT apply to it. */
  static final String CLEANUP_POLICY = "cleanup.policy";

  /** Settings of no topic in particular: onelog's defaults. */
  private static final TopicSpec DEFAULTS = TopicSpec.named("defaults");

  private static final List<Config> TABLE =
      List.of(
          new Config(
              CLEANUP_POLICY,
              "log.cleanup.policy",
              ConfigType.LIST,
              "delete, compact or compact,delete",
              "What happens to old records: deleted by retention (delete), only the newest record"
                  + " of each key kept (compact), or both.",
              spec -> spec.cleanupPolicy().configValue(),
              (spec, value) -> spec.withCleanupPolicy(CleanupPolicy.parse(value))),
          new Config(
              "retention.ms",
              "log.retention.ms",
              ConfigType.LONG,
              "a positive number of milliseconds, or -1 to keep records forever",
              "Batches whose newest record is older than this are deleted; -1 keeps them forever.",
              spec -> spec.retention() == null ? "-1" : Long.toString(spec.retention().toMillis()),
              (spec, value) -> {
                long ms = Long.parseLong(value.trim());
                return spec.withRetention(ms == -1 ? null : Duration.ofMillis(ms));
              }),
          new Config(
              "retention.bytes",
              "log.retention.bytes",
              ConfigType.LONG,
              "a positive number of bytes, or -1 for no limit",
              "The oldest batches of a partition are deleted while it holds more bytes than this;"
                  + " -1 sets no limit.",
              spec -> spec.retentionBytes() == null ? "-1" : Long.toString(spec.retentionBytes()),
              (spec, value) -> {
                long bytes = Long.parseLong(value.trim());
                return bytes == -1
                    ? spec.withUnlimitedRetentionBytes()
                    : spec.withRetentionBytes(bytes);
              }),
          new Config(
              "delete.retention.ms",
              "log.cleaner.delete.retention.ms",
              ConfigType.LONG,
              "zero or a positive number of milliseconds",
              "How long a tombstone stays after compaction kept it, so that slow readers still see"
                  + " the delete.",
              spec -> Long.toString(spec.deleteRetention().toMillis()),
              (spec, value) ->
                  spec.withDeleteRetention(Duration.ofMillis(Long.parseLong(value.trim())))),
          new Config(
              "min.cleanable.dirty.ratio",
              "log.cleaner.min.cleanable.ratio",
              ConfigType.DOUBLE,
              "a number from 0 to 1",
              "Compaction starts when the bytes written since its last pass make up at least this"
                  + " share of the partition.",
              spec -> Double.toString(spec.minCleanableDirtyRatio()),
              (spec, value) -> spec.withMinCleanableDirtyRatio(Double.parseDouble(value.trim()))),
          new Config(
              "min.compaction.lag.ms",
              "log.cleaner.min.compaction.lag.ms",
              ConfigType.LONG,
              "zero or a positive number of milliseconds",
              "Records younger than this are not compacted yet.",
              spec -> Long.toString(spec.minCompactionLag().toMillis()),
              (spec, value) ->
                  spec.withMinCompactionLag(Duration.ofMillis(Long.parseLong(value.trim())))));

  /** The names of the supported topic configs, in the table's order. */
  static List<String> names() {
    return TABLE.stream().map(Config::name).toList();
  }

  /** Every supported config of {@code spec}, in the table's order. */
  static List<Value> describe(TopicSpec spec) {
    List<Value> values = new ArrayList<>();
    for (Config config : TABLE) {
      String value = config.read.apply(spec);
      values.add(
          new Value(
              config.name,
              value,
              value.equals(config.read.apply(DEFAULTS)),
              config.type,
              config.documentation));
    }
    return values;
  }

  /** The topic configs' defaults under their broker names ({@code log.cleanup.policy}, ...). */
  static List<Value> brokerDefaults() {
    List<Value> values = new ArrayList<>();
    for (Config config : TABLE) {
      values.add(
          new Value(
              config.brokerName,
              config.read.apply(DEFAULTS),
              true,
              config.type,
              "The default of the topic config " + config.name + ". " + config.documentation));
    }
    return values;
  }

  /**
   * {@code spec} with config {@code name} set to {@code value}.
   *
   * @throws InvalidConfigurationException naming the config and what it accepts, or the supported
   *     configs when onelog does not support it
   */
  static TopicSpec set(TopicSpec spec, String name, String value) {
    Config config = config(name);
    if (value == null) {
      throw new InvalidConfigurationException(
          "config " + name + " has no value; give " + config.accepts);
    }
    try {
      return config.write.write(spec, value);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          "config " + name + "=" + value + " is not valid; give " + config.accepts);
    }
  }

  /**
   * {@code spec} with config {@code name} back at onelog's default.
   *
   * @throws InvalidConfigurationException when onelog does not support the config
   */
  static TopicSpec reset(TopicSpec spec, String name) {
    return set(spec, name, config(name).read.apply(DEFAULTS));
  }

  /**
   * {@code spec} with the comma-separated {@code items} added to list config {@code name} (those
   * not there yet), as Kafka's APPEND.
   *
   * @throws InvalidConfigurationException when the config is not a list or the result is not valid
   */
  static TopicSpec append(TopicSpec spec, String name, String items) {
    Set<String> list = list(spec, name, items, "APPEND");
    list.addAll(split(items));
    return set(spec, name, String.join(",", list));
  }

  /**
   * {@code spec} with the comma-separated {@code items} removed from list config {@code name}, as
   * Kafka's SUBTRACT.
   *
   * @throws InvalidConfigurationException when the config is not a list or would be left empty
   */
  static TopicSpec subtract(TopicSpec spec, String name, String items) {
    Set<String> list = list(spec, name, items, "SUBTRACT");
    list.removeAll(split(items));
    if (list.isEmpty()) {
      throw new InvalidConfigurationException(
          "config "
              + name
              + " would be left empty by SUBTRACT "
              + items
              + "; it must be "
              + config(name).accepts);
    }
    return set(spec, name, String.join(",", list));
  }

  private static Set<String> list(TopicSpec spec, String name, String items, String operation) {
    Config config = config(name);
    if (config.type != ConfigType.LIST) {
      throw new InvalidConfigurationException(
          "config "
              + name
              + " is not a list, so "
              + operation
              + " does not apply to it; use SET (of the supported configs only "
              + CLEANUP_POLICY
              + " is a list)");
    }
    if (items == null) {
      throw new InvalidConfigurationException(
          operation + " on config " + name + " has no value; give " + config.accepts);
    }
    return new LinkedHashSet<>(split(config.read.apply(spec)));
  }

  private static List<String> split(String items) {
    List<String> list = new ArrayList<>();
    for (String item : items.split(",")) {
      if (!item.isBlank()) {
        list.add(item.trim());
      }
    }
    return list;
  }

  private static Config config(String name) {
    for (Config config : TABLE) {
      if (config.name.equals(name)) {
        return config;
      }
    }
    throw new InvalidConfigurationException(
        "config '"
            + name
            + "' is not supported by onelog; the supported topic configs are "
            + names());
  }
}
