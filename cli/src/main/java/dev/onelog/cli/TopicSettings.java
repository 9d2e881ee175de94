package dev.onelog.cli;

import dev.onelog.TopicSpec;
import java.io.PrintWriter;

/**
 * A topic's settings as {@code topics describe} and {@code topics alter} print them, one {@code
 * label: value} line each with the values lined up:
 *
 * <pre>
 * topic:              prices
 * partitions:         1
 * cleanup policy:     compact
 * retention:          unlimited
 * retention bytes:    unlimited
 * delete retention:   1d
 * min dirty ratio:    0.5
 * min compaction lag: 0s
 * </pre>
 *
 * The last three, which only compaction reads, are left out for a topic that does not compact.
 */
final class TopicSettings {
  /** The widest label, "min compaction lag: ", sets where every value starts. */
  private static final int LABEL_WIDTH = 20;

  private TopicSettings() {}

  static void print(PrintWriter out, TopicSpec spec) {
    line(out, "topic", spec.name());
    line(out, "partitions", Integer.toString(spec.partitions()));
    line(out, "cleanup policy", spec.cleanupPolicy().configValue());
    line(
        out,
        "retention",
        spec.retention() == null ? "unlimited" : DurationConverter.format(spec.retention()));
    line(
        out,
        "retention bytes",
        spec.retentionBytes() == null
            ? "unlimited"
            : SizeConverter.describe(spec.retentionBytes()) + " per partition");
    if (spec.compacted()) {
      line(out, "delete retention", DurationConverter.format(spec.deleteRetention()));
      line(out, "min dirty ratio", RatioConverter.format(spec.minCleanableDirtyRatio()));
      line(out, "min compaction lag", DurationConverter.format(spec.minCompactionLag()));
    }
  }

  /** One more line in the same layout, for what follows the settings (created, records). */
  static void line(PrintWriter out, String label, String value) {
    String prefix = label + ":";
    out.println(prefix + " ".repeat(Math.max(1, LABEL_WIDTH - prefix.length())) + value);
  }
}
