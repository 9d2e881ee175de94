package dev.onelog.internal;

import dev.onelog.TopicSpec;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.write.Step;
import java.util.function.UnaryOperator;

/**
 * Topic administration through the writer: each change is one step of the group commit that changes
 * the schema, and the cached topic is forgotten afterwards (whether it committed or not) so that
 * the next use reads the file. Stateless.
 */
public final class TopicCommands {
  private TopicCommands() {}

  public static void create(LogContext context, TopicSpec spec) {
    long nowMs = context.options().clock().millis();
    schemaStep(
        context,
        spec.name(),
        "creating topic ",
        tx -> TopicCatalog.create(tx.connection(), spec, nowMs));
  }

  public static void addPartitions(LogContext context, String topic, int totalPartitions) {
    schemaStep(
        context,
        topic,
        "adding partitions to topic ",
        tx -> context.catalog().addPartitions(tx.connection(), topic, totalPartitions));
  }

  public static void alter(LogContext context, String topic, UnaryOperator<TopicSpec> change) {
    schemaStep(
        context,
        topic,
        "altering topic ",
        tx -> context.catalog().alter(tx.connection(), topic, change));
  }

  public static void delete(LogContext context, String topic) {
    schemaStep(
        context,
        topic,
        "deleting topic ",
        tx -> {
          context.catalog().delete(tx.connection(), topic);
          return null;
        });
  }

  /** Runs {@code work} as a schema-changing step, then forgets the cached topic. */
  private static <T> void schemaStep(LogContext context, String topic, String doing, Step<T> work) {
    try {
      LogContext.await(
          context
              .writer()
              .submit(
                  tx -> {
                    tx.schemaChanged();
                    return work.run(tx);
                  },
                  doing + topic));
    } finally {
      context.catalog().evict(topic);
    }
  }
}
