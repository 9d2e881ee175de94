package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Header;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.ReadLimit;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kafka-clients 4.1 producers, consumers and an admin client against a server on an ephemeral
 * loopback port, over a real file: what they send is what the library reads, and the other way
 * round.
 */
class KafkaClientsTest {
  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("served.db"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  private KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.putAll(extra);
    return new KafkaProducer<>(props);
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return consumer(Map.of());
  }

  private KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> extra) {
    Properties props = new Properties();
    props.putAll(extra);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props);
  }

  private static List<ConsumerRecord<byte[], byte[]>> consume(
      KafkaConsumer<byte[], byte[]> consumer, int count) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (out.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void whatTheIdempotentProducerSendsIsWhatTheLibraryAndTheConsumerRead() throws Exception {
    log.createTopic(TopicSpec.named("orders").withPartitions(3));
    int count = 1_000;
    List<RecordMetadata> acks = new ArrayList<>();
    byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 0x28};
    try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
      for (int i = 0; i < count; i++) {
        org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record =
            new org.apache.kafka.clients.producer.ProducerRecord<>(
                "orders",
                null,
                1_000_000L + i,
                utf8("k" + (i % 17)),
                i % 100 == 0 ? null : utf8("v" + i));
        record.headers().add(new RecordHeader("h", utf8("a")));
        record.headers().add(new RecordHeader("h", binary));
        record.headers().add(new RecordHeader("empty", (byte[]) null));
        acks.add(producer.send(record).get(10, TimeUnit.SECONDS));
      }
    }
    assertEquals(count, acks.size());
    long stored = 0;
    for (int p = 0; p < 3; p++) {
      stored += log.nextOffset(new TopicPartition("orders", p));
    }
    assertEquals(count, stored, "each record stored once");
    LogRecord first =
        log.read(
                new TopicPartition("orders", acks.get(0).partition()),
                acks.get(0).offset(),
                ReadLimit.records(1))
            .get(0);
    assertEquals("k0", first.keyAsString());
    assertNull(first.value(), "a null value stays null");
    assertEquals(1_000_000L, first.timestampMs());
    assertEquals(3, first.headers().size());
    assertArrayEquals(binary, first.headers().get(1).value());
    assertEquals("h", first.headers().get(1).name());
    assertNull(first.headers().get(2).value());

    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(
          List.of(
              new org.apache.kafka.common.TopicPartition("orders", 0),
              new org.apache.kafka.common.TopicPartition("orders", 1),
              new org.apache.kafka.common.TopicPartition("orders", 2)));
      List<ConsumerRecord<byte[], byte[]>> records = consume(consumer, count);
      assertEquals(count, records.size());
      for (ConsumerRecord<byte[], byte[]> record : records) {
        int i = (int) (record.timestamp() - 1_000_000L);
        assertEquals("k" + (i % 17), new String(record.key(), StandardCharsets.UTF_8));
        if (i % 100 == 0) {
          assertNull(record.value());
        } else {
          assertEquals("v" + i, new String(record.value(), StandardCharsets.UTF_8));
        }
        assertArrayEquals(binary, record.headers().toArray()[1].value());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
  void compressedBatchesAreStoredRecordByRecord(String codec) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec))) {
      for (int i = 0; i < 200; i++) {
        producer.send(
            new org.apache.kafka.clients.producer.ProducerRecord<>(
                "zipped", utf8("k" + i), utf8("value " + i + " ".repeat(50))));
      }
      producer.flush();
    }
    List<LogRecord> stored = log.read(new TopicPartition("zipped", 0), 0, ReadLimit.records(1000));
    assertEquals(200, stored.size(), "the topic was created by the producer's metadata request");
    assertEquals("value 199" + " ".repeat(50), stored.get(199).valueAsString());
  }

  @Test
  void aWaitingConsumerGetsWhatTheLibraryAppendsWithoutWaitingOutItsMaxWait() {
    log.createTopic(TopicSpec.named("live"));
    KafkaConsumer<byte[], byte[]> consumer =
        consumer(Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20_000));
    try {
      consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("live", 0)));
      assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty());
      log.append(
          new ProducerRecord(
              "live",
              null,
              42L,
              utf8("key"),
              utf8("from the library"),
              List.of(Header.of("n", "1"))));
      long start = System.nanoTime();
      List<ConsumerRecord<byte[], byte[]>> records = consume(consumer, 1);
      assertEquals(1, records.size());
      assertEquals("from the library", new String(records.get(0).value(), StandardCharsets.UTF_8));
      assertEquals(42L, records.get(0).timestamp());
      assertTrue(
          System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10),
          "woken by the commit, not by fetch.max.wait.ms (20 s)");
    } finally {
      consumer.close(
          org.apache.kafka.clients.consumer.CloseOptions.timeout(
              Duration.ofMillis(100))); // not waiting out the next fetch, parked 20 s
    }
  }

  @Test
  void listOffsetsAnswersEarliestLatestAndByTime() {
    log.createTopic(TopicSpec.named("timed"));
    for (int i = 0; i < 10; i++) {
      log.append(new ProducerRecord("timed", null, 1_000L * i, null, utf8("r" + i), List.of()));
    }
    log.deleteRecordsBefore(new TopicPartition("timed", 0), 3);
    org.apache.kafka.common.TopicPartition tp =
        new org.apache.kafka.common.TopicPartition("timed", 0);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      assertEquals(3L, consumer.beginningOffsets(List.of(tp)).get(tp));
      assertEquals(10L, consumer.endOffsets(List.of(tp)).get(tp));
      OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, 4_500L)).get(tp);
      assertEquals(5L, at.offset());
      assertEquals(5_000L, at.timestamp());
      assertNull(consumer.offsetsForTimes(Map.of(tp, 99_000L)).get(tp), "no record that late");
    }
    log.append(new ProducerRecord("timed", null, 8_500L, null, utf8("late"), List.of()));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo max =
          admin
              .listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.maxTimestamp()))
              .partitionResult(tp)
              .get(10, TimeUnit.SECONDS);
      assertEquals(9L, max.offset(), "the record with the largest timestamp, 9,000 ms");
      assertEquals(9_000L, max.timestamp());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * kafka-clients reads ApiVersions and refuses an API the server does not advertise before sending
   * it; the server's own answer is {@link #anUnadvertisedApiSentAnywayGetsUnsupportedVersion}.
   */
  @Test
  void anApiTheServerDoesNotAnswerGetsUnsupportedVersionAndTheConnectionStaysUsable()
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS));
      assertInstanceOf(UnsupportedVersionException.class, e.getCause());
      assertTrue(admin.listTopics().names().get(10, TimeUnit.SECONDS).isEmpty());
    }
  }

  @Test
  void anUnadvertisedApiSentAnywayGetsUnsupportedVersion() throws Exception {
    log.createTopic(TopicSpec.named("after"));
    try (RawConnection raw = new RawConnection(server.address())) {
      DescribeAclsResponse acls =
          (DescribeAclsResponse)
              raw.send(
                  ApiKeys.DESCRIBE_ACLS,
                  new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build((short) 3));
      assertEquals(Errors.UNSUPPORTED_VERSION, acls.error().error());
      MetadataResponse metadata =
          (MetadataResponse)
              raw.send(
                  ApiKeys.METADATA,
                  new MetadataRequest.Builder(List.of("after"), false).build((short) 12));
      assertEquals(
          Errors.NONE.code(),
          metadata.data().topics().find("after").errorCode(),
          "the same connection goes on");
    }
  }

  @Test
  void anOversizedFrameClosesOnlyItsOwnConnection() throws Exception {
    try (KafkaServer small =
        KafkaServer.builder(log)
            .listen(new InetSocketAddress("127.0.0.1", 0))
            .maxRequestBytes(4096)
            .start()) {
      try (Socket socket = new Socket("127.0.0.1", small.address().getPort())) {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(1 << 30);
        out.flush();
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        assertEquals(-1, in.read(), "the server closed the connection");
      }
      log.createTopic(TopicSpec.named("still"));
      log.append(ProducerRecord.of("still", "k", "v"));
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, small.bootstrapServers());
      props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("still", 0)));
        assertEquals(1, consume(consumer, 1).size());
      }
    }
  }

  @Test
  void acksZeroRecordsAreStored() {
    try (KafkaProducer<byte[], byte[]> producer =
        producer(
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "0",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false))) {
      for (int i = 0; i < 50; i++) {
        producer.send(
            new org.apache.kafka.clients.producer.ProducerRecord<>("fire", utf8("v" + i)));
      }
      producer.flush();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline
        && (log.topics().isEmpty() || log.nextOffset(new TopicPartition("fire", 0)) < 50)) {
      Thread.onSpinWait();
    }
    assertEquals(50, log.nextOffset(new TopicPartition("fire", 0)));
  }
}
