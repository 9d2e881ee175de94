package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ReadLimit;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idempotent producer's retries are stored once, across connections and server restarts: its
 * state is in the file, written with the records.
 */
class IdempotentProducerTest {
  @TempDir Path dir;

  private OneLog log;

  @BeforeEach
  void open() {
    log = OneLog.open(dir.resolve("idempotent.db"));
    log.createTopic(TopicSpec.named("t"));
  }

  @AfterEach
  void close() {
    log.close();
  }

  private static ProduceResponseData.PartitionProduceResponse produce(
      KafkaServer server, long producerId, int firstSequence, int count) throws IOException {
    SimpleRecord[] records = new SimpleRecord[count];
    for (int i = 0; i < count; i++) {
      records[i] = new SimpleRecord(("v" + (firstSequence + i)).getBytes(StandardCharsets.UTF_8));
    }
    MemoryRecords batch =
        MemoryRecords.withIdempotentRecords(
            Compression.NONE, producerId, (short) 0, firstSequence, records);
    ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000);
    ProduceRequestData.TopicProduceData topic =
        new ProduceRequestData.TopicProduceData().setName("t");
    topic
        .partitionData()
        .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
    produce.topicData().add(topic);
    try (RawConnection connection = new RawConnection(server.address())) {
      AbstractResponse response = connection.send(ApiKeys.PRODUCE, (short) 11, produce);
      return ((ProduceResponseData) response.data())
          .responses()
          .iterator()
          .next()
          .partitionResponses()
          .get(0);
    }
  }

  private static KafkaServer serve(OneLog log, int port) {
    return KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", port)).start();
  }

  @Test
  void aRetriedBatchIsAnsweredWithItsOffsetAfterARestartAndNotStoredTwice() throws Exception {
    int port;
    try (KafkaServer server = serve(log, 0)) {
      port = server.address().getPort();
      assertEquals(0, produce(server, 77, 0, 10).baseOffset());
      assertEquals(10, produce(server, 77, 10, 5).baseOffset());
    }
    try (KafkaServer restarted = serve(log, port)) {
      ProduceResponseData.PartitionProduceResponse retry = produce(restarted, 77, 0, 10);
      assertEquals(Errors.NONE.code(), retry.errorCode());
      assertEquals(0, retry.baseOffset(), "the first try's offset");
      assertEquals(15, log.nextOffset(new TopicPartition("t", 0)), "stored once");

      ProduceResponseData.PartitionProduceResponse gap = produce(restarted, 77, 40, 1);
      assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(), gap.errorCode());
      assertTrue(gap.errorMessage().contains("next expected is 15"), gap.errorMessage());
      assertEquals(15, produce(restarted, 77, 15, 1).baseOffset(), "the next in sequence");
      assertEquals(16, log.nextOffset(new TopicPartition("t", 0)));
    }
  }

  @Test
  void theJavaProducerAcrossTwoServerRestartsStoresEachAcknowledgedRecordOnce() throws Exception {
    KafkaServer server = serve(log, 0);
    int port = server.address().getPort();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    ConcurrentLinkedQueue<Future<RecordMetadata>> sends = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      Thread sender =
          new Thread(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  sends.add(producer.send(new ProducerRecord<>("t", "k", "v" + i)));
                  if (i % 50 == 0) {
                    try {
                      Thread.sleep(5);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }
              });
      sender.start();
      for (int restart = 0; restart < 2; restart++) {
        Thread.sleep(700);
        server.close();
        Thread.sleep(300);
        server = serve(log, port);
      }
      Thread.sleep(700);
      stop.set(true);
      sender.join();
      producer.flush();
    } finally {
      server.close();
    }
    Set<String> acknowledged = new HashSet<>();
    int index = 0;
    for (Future<RecordMetadata> send : sends) {
      send.get(0, TimeUnit.SECONDS); // every send succeeded, in spite of the restarts
      acknowledged.add("v" + index++);
    }
    List<LogRecord> stored = log.read(new TopicPartition("t", 0), 0, ReadLimit.records(1_000_000));
    Set<String> values = new HashSet<>();
    for (LogRecord record : stored) {
      assertTrue(values.add(record.valueAsString()), "stored twice: " + record.valueAsString());
    }
    assertEquals(acknowledged, values);
    assertTrue(stored.size() > 100, "sent during the restarts: " + stored.size());
  }
}
