package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.CleanupPolicy;
import dev.onelog.OneLog;
import dev.onelog.TopicSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compacted and retained topics, through the protocol: what Kafka's clients see of them. */
class CompactedTopicsTest {
  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("compacted.db"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  private KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.RETRIES_CONFIG, 0);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return new KafkaProducer<>(props);
  }

  private List<ConsumerRecord<String, String>> readAll(String topic, long end) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void aConsumerOfACompactedTopicSeesTheLatestOfEachKeyWithTheirOffsetsAndGaps() throws Exception {
    log.createTopic(TopicSpec.named("prices").withCleanupPolicy(CleanupPolicy.COMPACT));
    Map<String, String> latest = new LinkedHashMap<>();
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < 300; i++) {
        String key = "k" + (i % 10);
        String value = i >= 290 && i % 10 == 3 ? null : "v" + i; // k3 ends with a tombstone
        producer.send(new ProducerRecord<>("prices", key, value)).get(10, TimeUnit.SECONDS);
        latest.put(key, value);
      }
    }
    log.compact();
    List<ConsumerRecord<String, String>> read = readAll("prices", 300);
    Map<String, String> seen = new LinkedHashMap<>();
    long previous = -1;
    for (ConsumerRecord<String, String> record : read) {
      assertTrue(record.offset() > previous, "offsets increase");
      previous = record.offset();
      seen.put(record.key(), record.value());
    }
    assertEquals(latest, seen, "the latest record of each key, the tombstone kept");
    assertTrue(read.size() <= 10 + 1, "compacted away: " + read.size() + " records read");
    assertEquals(299, read.get(read.size() - 1).offset(), "the last offset is kept");
  }

  @Test
  void aRecordWithoutAKeyOnACompactedTopicIsRefusedWithInvalidRecord() {
    log.createTopic(TopicSpec.named("keyed").withCleanupPolicy(CleanupPolicy.COMPACT));
    try (KafkaProducer<String, String> producer = producer()) {
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  producer
                      .send(new ProducerRecord<>("keyed", null, "no key"))
                      .get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof InvalidRecordException, String.valueOf(e.getCause()));
      assertTrue(e.getCause().getMessage().contains("key"), e.getCause().getMessage());
    }
  }

  @Test
  void recordsDeletedByDeleteRecordsBeforeAreOutOfRangeForAConsumer() throws Exception {
    log.createTopic(TopicSpec.named("trimmed"));
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>("trimmed", "k", "v" + i)).get(10, TimeUnit.SECONDS);
      }
    }
    log.deleteRecordsBefore(new dev.onelog.TopicPartition("trimmed", 0), 15);
    List<ConsumerRecord<String, String>> read = readAll("trimmed", 20);
    assertEquals(5, read.size(), "auto.offset.reset=earliest starts at the new earliest offset");
    assertEquals(15, read.get(0).offset());
  }
}
