package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import dev.onelog.kafka.PollingConsumer.Seen;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames no client should send, many of them, while a real producer produces and a real consumer
 * polls: each bad frame costs only its own connection, the server stays up, the consumer receives
 * every acknowledged record exactly once and in order, and the heap stays bounded.
 */
class HostileClientsTest {
  @TempDir Path dir;

  private OneLog log;

  @BeforeEach
  void open() {
    log = OneLog.open(dir.resolve("hostile.db"));
  }

  @AfterEach
  void close() {
    log.close();
  }

  private static long usedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** One bad frame of a kind chosen by {@code random}, as the bytes to send. */
  private static byte[] badFrame(SplittableRandom random) {
    ByteBuffer frame = ByteBuffer.allocate(4 + 256);
    switch (random.nextInt(7)) {
      case 0 -> frame.putInt(Integer.MAX_VALUE); // oversized
      case 1 -> frame.putInt(-1 - random.nextInt(1000)); // negative size
      case 2 -> frame.put("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      case 3 -> { // a known API and version, then garbage
        byte[] garbage = new byte[random.nextInt(1, 200)];
        random.nextBytes(garbage);
        frame
            .putInt(4 + garbage.length)
            .putShort(ApiKeys.FETCH.id)
            .putShort((short) 11)
            .put(garbage);
      }
      case 4 ->
          frame.putInt(8).putShort((short) 30_000).putShort((short) 0).putInt(1); // unknown API
      case 5 -> frame.putInt(2).putShort((short) 1); // too short for a header
      default -> { // random bytes of a random claimed size
        byte[] garbage = new byte[random.nextInt(1, 250)];
        random.nextBytes(garbage);
        frame.putInt(garbage.length).put(garbage);
      }
    }
    frame.flip();
    byte[] bytes = new byte[frame.remaining()];
    frame.get(bytes);
    return bytes;
  }

  /** Partitions of the topic the real clients produce to and consume from during the frames. */
  private static final int PARTITIONS = 3;

  @Test
  void tenThousandBadFramesCostOnlyTheirConnectionsAndNoHeap() throws Exception {
    log.createTopic(TopicSpec.named("good").withPartitions(PARTITIONS));
    try (KafkaServer server =
        KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
      int port = server.address().getPort();
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      long heapBefore = usedHeap();
      AtomicInteger sent = new AtomicInteger();
      ExecutorService threads = Executors.newFixedThreadPool(5); // four attackers, one consumer
      PollingConsumer consumer = new PollingConsumer(server.bootstrapServers(), "good", PARTITIONS);
      Map<Integer, List<Seen>> acknowledged = new HashMap<>();
      int consumedDuring;
      Map<Integer, List<Seen>> consumed;
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
        Future<Map<Integer, List<Seen>>> consuming = threads.submit(consumer);
        List<Future<?>> attacks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          long seed = 1000 + t;
          attacks.add(
              threads.submit(
                  () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 2_500; i++) {
                      try (Socket socket = new Socket("127.0.0.1", port)) {
                        socket.setSoTimeout(5_000);
                        socket.getOutputStream().write(badFrame(random));
                        socket.getOutputStream().flush();
                        InputStream in = socket.getInputStream();
                        while (in.read() >= 0) {
                          // whatever the server answers, until it closes
                        }
                      } catch (SocketException reset) {
                        // the server closed first: as good
                      }
                      sent.incrementAndGet();
                    }
                    return null;
                  }));
        }
        int produced = 0;
        while (!attacks.stream().allMatch(Future::isDone)) {
          produce(producer, produced % PARTITIONS, "v" + produced, acknowledged);
          produced++;
        }
        consumedDuring = consumer.received();
        for (Future<?> attack : attacks) {
          attack.get(); // rethrows a failed read, e.g. a read timeout: a connection left open
        }
        assertEquals(10_000, sent.get());
        produce(producer, 0, "after", acknowledged);
        Map<Integer, Long> ends = new HashMap<>();
        long stored = 0;
        for (int p = 0; p < PARTITIONS; p++) {
          ends.put(p, log.nextOffset(new TopicPartition("good", p)));
          stored += ends.get(p);
        }
        consumer.stopAt(ends);
        consumed = consuming.get(60, TimeUnit.SECONDS);
        assertEquals(produced + 1, stored, "records stored");
        assertTrue(produced > 0, "the producer worked during the attack");
        assertTrue(consumedDuring > 0, "the consumer received nothing during the attack");
      } finally {
        threads.shutdownNow();
      }
      PollingConsumer.Differences differences = PollingConsumer.compare(acknowledged, consumed);
      int acknowledgedCount = acknowledged.values().stream().mapToInt(List::size).sum();
      long grown = usedHeap() - heapBefore;
      System.out.printf(
          "hostile network: %d bad frames, each answered or closed; %d records acknowledged, %d"
              + " of them consumed by a consumer polling during the frames, %d in all (%s);"
              + " heap grew %d MiB%n",
          sent.get(),
          acknowledgedCount,
          consumedDuring,
          consumer.received(),
          differences,
          grown >> 20);
      assertTrue(differences.none(), "consumed differs from acknowledged: " + differences);
      assertEquals(acknowledged, consumed, "each partition's records, in order, exactly once");
      assertTrue(grown < 64L << 20, "heap grew by " + (grown >> 20) + " MiB");
      System.out.printf("%d passed, 0 failed%n", sent.get());
    }
  }

  /** Sends {@code value} to {@code partition} of "good", waits for it and keeps its offset. */
  private static void produce(
      KafkaProducer<String, String> producer,
      int partition,
      String value,
      Map<Integer, List<Seen>> acknowledged)
      throws Exception {
    RecordMetadata metadata =
        producer
            .send(new ProducerRecord<>("good", partition, "k", value))
            .get(10, TimeUnit.SECONDS);
    acknowledged
        .computeIfAbsent(metadata.partition(), p -> new ArrayList<>())
        .add(Seen.of(metadata, value));
  }

  /**
   * Slow clients (each sends a frame's size, then one byte a second, as a slowloris attack does)
   * hold only their own connections: a producer and a consumer beside them go on at full speed, and
   * everything produced is consumed.
   */
  @Test
  void slowClientsHoldOnlyTheirOwnConnections() throws Exception {
    log.createTopic(TopicSpec.named("good"));
    try (KafkaServer server =
        KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
      int port = server.address().getPort();
      long heapBefore = usedHeap();
      List<Socket> slow = new ArrayList<>();
      ExecutorService drip = Executors.newSingleThreadExecutor();
      try {
        for (int i = 0; i < 100; i++) {
          Socket socket = new Socket("127.0.0.1", port);
          socket.getOutputStream().write(ByteBuffer.allocate(4).putInt(200).array());
          slow.add(socket);
        }
        Future<?> dripping =
            drip.submit(
                () -> {
                  for (int second = 0; second < 5; second++) {
                    for (Socket socket : slow) {
                      try {
                        socket.getOutputStream().write(0);
                      } catch (IOException closed) {
                        // the server may close a slow connection: as good
                      }
                    }
                    Thread.sleep(1_000);
                  }
                  return null;
                });
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        int produced = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
          while (!dripping.isDone()) {
            producer
                .send(new ProducerRecord<>("good", "k", "v" + produced))
                .get(5, TimeUnit.SECONDS);
            produced++;
          }
        }
        dripping.get();
        assertTrue(produced > 100, "only " + produced + " records in 5 s beside slow clients");
        assertEquals(produced, consumeAll(server, "good"), "records consumed beside slow clients");
      } finally {
        drip.shutdownNow();
        for (Socket socket : slow) {
          socket.close();
        }
      }
      long grown = usedHeap() - heapBefore;
      assertTrue(grown < 64L << 20, "heap grew by " + (grown >> 20) + " MiB");
    }
  }

  /**
   * Reads partition 0 of {@code topic} from the beginning with a real consumer; returns the count.
   */
  private static int consumeAll(KafkaServer server, String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", server.bootstrapServers());
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      org.apache.kafka.common.TopicPartition partition =
          new org.apache.kafka.common.TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      int consumed = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        consumed += consumer.poll(Duration.ofMillis(200)).count();
      }
      return consumed;
    }
  }

  @Test
  void connectionsPastTheLimitsAreClosedAndTheOthersKeepWorking() throws Exception {
    try (KafkaServer server =
            KafkaServer.builder(log)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .maxConnections(4, 2)
                .start();
        Socket first = new Socket("127.0.0.1", server.address().getPort());
        Socket second = new Socket("127.0.0.1", server.address().getPort());
        Socket third = new Socket("127.0.0.1", server.address().getPort())) {
      // Connections are counted on their event loops, so which of the three comes last (and is
      // closed) is not the order they were opened in: exactly one of them is closed.
      int closed = 0;
      for (Socket socket : List.of(first, second, third)) {
        socket.setSoTimeout(1_000);
        if (!readTimesOut(socket)) {
          closed++;
        }
      }
      assertEquals(1, closed, "one past the limit of two per address closed, two open");
    }
  }

  /** True when a read waits (the connection is open and quiet), false when it ends or gets data. */
  private static boolean readTimesOut(Socket socket) throws IOException {
    try {
      socket.getInputStream().read();
      return false;
    } catch (java.net.SocketTimeoutException open) {
      return true;
    }
  }

  @Test
  void aBatchThatDecompressesPastTheLimitIsRefusedWithMessageTooLarge() throws Exception {
    log.createTopic(TopicSpec.named("bomb"));
    try (KafkaServer server =
            KafkaServer.builder(log)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .maxRequestBytes(64 * 1024)
                .start();
        RawConnection connection = new RawConnection(server.address())) {
      MemoryRecords bomb =
          MemoryRecords.withRecords(
              Compression.gzip().build(), new SimpleRecord(null, new byte[4 << 20]));
      assertTrue(bomb.sizeInBytes() < 64 * 1024, "small on the wire: " + bomb.sizeInBytes());
      ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
      ProduceRequestData.TopicProduceData topic =
          new ProduceRequestData.TopicProduceData().setName("bomb");
      topic
          .partitionData()
          .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(bomb));
      produce.topicData().add(topic);
      AbstractResponse response = connection.send(ApiKeys.PRODUCE, (short) 9, produce);
      ProduceResponseData.PartitionProduceResponse partition =
          ((ProduceResponseData) response.data())
              .responses()
              .iterator()
              .next()
              .partitionResponses()
              .get(0);
      assertEquals(Errors.MESSAGE_TOO_LARGE.code(), partition.errorCode());
      assertTrue(partition.errorMessage().contains("decompress"), partition.errorMessage());
      assertEquals(0, log.nextOffset(new TopicPartition("bomb", 0)), "nothing stored");
    }
  }
}
