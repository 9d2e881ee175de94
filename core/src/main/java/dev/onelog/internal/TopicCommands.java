package dev.onelog.internal;

import dev.onelog.TopicSpec;
import dev.onelog.internal.storage.TopicCatalog;
import java.util.function.UnaryOperator;

/**
 * Topic administration through the writer: each change is one step of the group commit, and the
 * cached topic is forgotten after it commits so that the next use reads the file. Stateless.
 */
public final class TopicCommands {
  private TopicCommands() {}

  public static void create(LogContext context, TopicSpec spec) {
    long nowMs = context.options().clock().millis();
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  tx.schemaChanged();
                  return TopicCatalog.create(tx.connection(), spec, nowMs);
                },
                "creating topic " + spec.name()));
  }

  public static void addPartitions(LogContext context, String topic, int totalPartitions) {
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  tx.schemaChanged();
                  tx.afterCommit(() -> context.catalog().evict(topic));
                  return context.catalog().addPartitions(tx.connection(), topic, totalPartitions);
                },
                "adding partitions to topic " + topic));
  }

  public static void alter(LogContext context, String topic, UnaryOperator<TopicSpec> change) {
    try {
      LogContext.await(
          context
              .writer()
              .submit(
                  tx -> {
                    tx.schemaChanged();
                    return context.catalog().alter(tx.connection(), topic, change);
                  },
                  "altering topic " + topic));
    } finally {
      context.catalog().evict(topic);
    }
  }

  public static void delete(LogContext context, String topic) {
    try {
      LogContext.await(
          context
              .writer()
              .submit(
                  tx -> {
                    tx.schemaChanged();
                    context.catalog().delete(tx.connection(), topic);
                    return null;
                  },
                  "deleting topic " + topic));
    } finally {
      context.catalog().evict(topic);
    }
  }
}
