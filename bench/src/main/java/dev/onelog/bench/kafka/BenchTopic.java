package dev.onelog.bench.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic of its own for one scenario run: created with a unique name and replication factor 1,
 * deleted on close, so that runs against one broker neither see each other's records nor fill its
 * disk. Not thread-safe; its name and partitions may be shared once created.
 */
final class BenchTopic implements AutoCloseable {
  private final Admin admin;
  private final String name;
  private final int partitions;

  private BenchTopic(Admin admin, String name, int partitions) {
    this.admin = admin;
    this.name = name;
    this.partitions = partitions;
  }

  /**
   * @throws IllegalArgumentException if {@code partitions < 1}
   * @throws ExecutionException if the broker refuses the topic or cannot be reached
   */
  static BenchTopic create(String bootstrap, String scenario, int partitions)
      throws ExecutionException, InterruptedException {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions < 1: " + partitions);
    }
    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    String name = scenario + "-" + UUID.randomUUID();
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
      return new BenchTopic(admin, name, partitions);
    } catch (ExecutionException | InterruptedException | RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  String name() {
    return name;
  }

  List<TopicPartition> partitions() {
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new TopicPartition(name, p));
    }
    return all;
  }

  /**
   * How the broker flushes this topic, for the report: {@code every-message}, {@code page-cache}
   * (Kafka's default, {@code flush.messages} of Long.MAX_VALUE) or {@code every-N-messages}; {@code
   * log-durability} for onelog serve, which has no such config.
   */
  String flush() throws ExecutionException, InterruptedException {
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
    Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
    ConfigEntry entry = config.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
    if (entry == null) {
      return "log-durability"; // onelog serve: every commit as its log's durability says
    }
    long messages = Long.parseLong(entry.value());
    if (messages == 1) {
      return "every-message";
    }
    return messages == Long.MAX_VALUE ? "page-cache" : "every-" + messages + "-messages";
  }

  /**
   * Deletes the topic (Kafka removes its files in the background) and closes the admin client.
   * Interrupted, it leaves the topic to the broker's folder, which {@link KafkaBroker#close()}
   * deletes, and keeps the interrupt.
   */
  @Override
  public void close() throws ExecutionException {
    try {
      admin.deleteTopics(List.of(name)).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      admin.close();
    }
  }
}
