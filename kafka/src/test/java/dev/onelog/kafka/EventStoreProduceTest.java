package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.RecordedEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected-version appends from a Kafka producer, through the event store's checks. */
class EventStoreProduceTest {
  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;
  private KafkaProducer<String, String> producer;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("events.db"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.RETRIES_CONFIG, 0);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    producer = new KafkaProducer<>(props);
  }

  @AfterEach
  void stop() {
    producer.close();
    server.close();
    log.close();
  }

  private RecordMetadata send(String stream, String type, String expected, String data)
      throws Exception {
    ProducerRecord<String, String> record = new ProducerRecord<>(EventStore.TOPIC, stream, data);
    record.headers().add(new RecordHeader("es-stream", utf8(stream)));
    record.headers().add(new RecordHeader("es-type", utf8(type)));
    if (expected != null) {
      record.headers().add(new RecordHeader("es-expected-version", utf8(expected)));
    }
    return producer.send(record).get(20, TimeUnit.SECONDS);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void appendsWithExpectedVersionsAndRefusesAConflictNamingTheVersions() throws Exception {
    RecordMetadata first = send("acct-1", "Opened", "no-stream", "{\"owner\":\"ann\"}");
    send("acct-1", "Deposited", "0", "{\"amount\":5}");
    ExecutionException conflict =
        assertThrows(ExecutionException.class, () -> send("acct-1", "Deposited", "0", "{}"));
    assertTrue(
        conflict.getCause() instanceof InvalidRecordException, String.valueOf(conflict.getCause()));
    String message = conflict.getCause().getMessage();
    assertTrue(
        message.contains("acct-1") && message.contains("1") && message.contains("0"), message);

    List<RecordedEvent> events = log.eventStore().readStream("acct-1", 0, 10);
    assertEquals(2, events.size());
    assertEquals("Opened", events.get(0).type());
    assertEquals(first.offset(), events.get(0).position());
    assertEquals("{\"amount\":5}", new String(events.get(1).data(), StandardCharsets.UTF_8));
    assertEquals(1, log.eventStore().streamVersion("acct-1"));
  }

  @Test
  void aRecordWithoutTheStreamHeaderIsRefusedWithWhatToSend() {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                producer
                    .send(new ProducerRecord<>(EventStore.TOPIC, "k", "v"))
                    .get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof InvalidRecordException, String.valueOf(e.getCause()));
    assertTrue(e.getCause().getMessage().contains("es-stream"), e.getCause().getMessage());
    assertEquals(0, log.eventStore().endPosition(), "nothing appended");
  }

  @Test
  void theLibrarysEventsAreReadableAsATopicByAKafkaConsumer() {
    log.eventStore()
        .append(
            "order-7",
            dev.onelog.eventstore.ExpectedVersion.noStream(),
            List.of(
                dev.onelog.eventstore.EventData.of("Placed", utf8("{}")),
                dev.onelog.eventstore.EventData.of("Paid", utf8("{}"))));
    Properties props = new Properties();
    props.put(
        org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        server.bootstrapServers());
    props.put(
        org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.StringDeserializer.class);
    props.put(
        org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.StringDeserializer.class);
    props.put(
        org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> read =
        new java.util.ArrayList<>();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(props)) {
      consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(EventStore.TOPIC, 0)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (read.size() < 2 && System.nanoTime() < deadline) {
        consumer.poll(java.time.Duration.ofMillis(200)).forEach(read::add);
      }
    }
    assertEquals(2, read.size());
    assertEquals("order-7", read.get(1).key());
    assertEquals(
        "Paid",
        new String(read.get(1).headers().lastHeader("es-type").value(), StandardCharsets.UTF_8));
    assertEquals(
        "1",
        new String(read.get(1).headers().lastHeader("es-version").value(), StandardCharsets.UTF_8));
  }
}
