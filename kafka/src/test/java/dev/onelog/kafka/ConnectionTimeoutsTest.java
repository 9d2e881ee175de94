package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import dev.onelog.kafka.PollingConsumer.Seen;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's two clocks on a connection, shortened to {@link #LIMIT}: a request that takes longer
 * than the arrival timeout to arrive closes its connection, and so does a connection idle for the
 * max idle time; real clients beside them, or pausing for less than the limit, are not disturbed.
 */
class ConnectionTimeoutsTest {
  private static final Duration LIMIT = Duration.ofSeconds(2);

  /** Below the limit: the server's clocks run on its event loops, and a clock may run late. */
  private static final long EARLIEST_CLOSE_MS = LIMIT.toMillis() - 100;

  /** Well past the limit: a slow machine's scheduling, not a missing limit. */
  private static final long LATEST_CLOSE_MS = LIMIT.toMillis() + 3_000;

  @TempDir Path dir;

  private OneLog log;

  @BeforeEach
  void open() {
    log = OneLog.open(dir.resolve("timeouts.db"));
    log.createTopic(TopicSpec.named("good"));
  }

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void aRequestArrivingAByteASecondIsClosedAfterTheArrivalTimeoutWhileRealClientsWork()
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (KafkaServer server =
            KafkaServer.builder(log)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .requestArrivalTimeout(LIMIT)
                .start();
        KafkaProducer<String, String> producer = producer(server)) {
      PollingConsumer consumer = new PollingConsumer(server.bootstrapServers(), "good", 1);
      Future<Map<Integer, List<Seen>>> consuming = threads.submit(consumer);
      Map<Integer, List<Seen>> acknowledged = new HashMap<>();
      int produced = 0;
      // Both clients at work before the slow one starts: the clock it measures is not also
      // waiting for two clients' start-up on a small machine.
      while (consumer.received() == 0 && !consuming.isDone()) {
        produce(producer, "v" + produced++, acknowledged);
      }
      Future<Long> slow = threads.submit(() -> dripUntilClosed(server.address()));
      while (!slow.isDone()) {
        produce(producer, "v" + produced++, acknowledged);
      }
      long closedAfterMs = slow.get();
      int consumedDuring = consumer.received();
      consumer.stopAt(Map.of(0, log.nextOffset(new dev.onelog.TopicPartition("good", 0))));
      Map<Integer, List<Seen>> consumed = consuming.get(60, TimeUnit.SECONDS);
      assertTrue(
          closedAfterMs >= EARLIEST_CLOSE_MS && closedAfterMs <= LATEST_CLOSE_MS,
          "the slow request's connection closed after " + closedAfterMs + " ms; limit " + LIMIT);
      assertTrue(produced > 10, "only " + produced + " records produced beside the slow client");
      assertTrue(consumedDuring > 0, "the consumer received nothing beside the slow client");
      assertEquals(acknowledged, consumed, "every acknowledged record, in order, exactly once");
      System.out.printf(
          "arrival timeout %d ms: a request arriving a byte a second closed after %d ms; beside it"
              + " %d records acknowledged, %d of them consumed meanwhile, all consumed%n",
          LIMIT.toMillis(), closedAfterMs, produced, consumedDuring);
    } finally {
      threads.shutdownNow();
    }
  }

  private static void produce(
      KafkaProducer<String, String> producer, String value, Map<Integer, List<Seen>> acknowledged)
      throws Exception {
    RecordMetadata metadata =
        producer
            .send(new org.apache.kafka.clients.producer.ProducerRecord<>("good", value))
            .get(10, TimeUnit.SECONDS);
    acknowledged.computeIfAbsent(0, p -> new ArrayList<>()).add(Seen.of(metadata, value));
  }

  /**
   * Connects, sends a 200-byte request's size and then one byte a second, and returns how long
   * after the first byte the server closed the connection; fails when it is still open after 10 s.
   */
  private static long dripUntilClosed(InetSocketAddress server) throws IOException {
    try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      out.write(ByteBuffer.allocate(4).putInt(200).array());
      for (int second = 0; second < 10; second++) {
        try {
          if (second > 0) {
            out.write(0);
          }
          if (in.read() < 0) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          }
        } catch (SocketTimeoutException open) {
          continue; // still open after a second: the next byte
        } catch (IOException closed) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
      }
      throw new AssertionError("a request arriving a byte a second still open after 10 s");
    }
  }

  @Test
  void aConnectionIsClosedAfterMaxIdleCountedFromItsLastResponse() throws Exception {
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try (KafkaServer server =
            KafkaServer.builder(log)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .maxIdle(LIMIT)
                .start();
        RawConnection silent = new RawConnection(server.address());
        RawConnection talking = new RawConnection(server.address())) {
      Future<Long> silentClosed = threads.submit(silent::millisUntilClosed);
      Thread.sleep(LIMIT.toMillis() / 2);
      talking.send(
          ApiKeys.API_VERSIONS,
          (short) 3,
          new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
      long talkingClosedMs = talking.millisUntilClosed();
      long silentClosedMs = silentClosed.get();
      assertTrue(
          silentClosedMs >= EARLIEST_CLOSE_MS && silentClosedMs <= LATEST_CLOSE_MS,
          "a connection that never sent a byte closed after " + silentClosedMs + " ms");
      // Counted from connecting, the limit would close it half the limit after its response.
      assertTrue(
          talkingClosedMs >= EARLIEST_CLOSE_MS && talkingClosedMs <= LATEST_CLOSE_MS,
          "a connection closed " + talkingClosedMs + " ms after its last response");
      System.out.printf(
          "max idle %d ms: a silent connection closed after %d ms, an answered one %d ms after"
              + " its response%n",
          LIMIT.toMillis(), silentClosedMs, talkingClosedMs);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aConsumerPausingBetweenPollsForLessThanMaxIdleKeepsItsConnection() throws Exception {
    try (KafkaServer server =
            KafkaServer.builder(log)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .maxIdle(LIMIT)
                .start();
        KafkaConsumer<String, String> consumer = consumer(server)) {
      TopicPartition partition = new TopicPartition("good", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      log.append(ProducerRecord.of("good", "k", "first"));
      pollOne(consumer);
      double connections = connectionsCreated(consumer);
      // Its last fetch is answered within fetch.max.wait.ms (500 ms) of a poll, so the connection
      // is quiet for at most three quarters of the limit between polls.
      for (int round = 0; round < 3; round++) {
        Thread.sleep(LIMIT.toMillis() * 3 / 4);
        log.append(ProducerRecord.of("good", "k", "round " + round));
        pollOne(consumer);
      }
      assertEquals(
          connections,
          connectionsCreated(consumer),
          "the consumer reconnected: the server closed a connection paused less than " + LIMIT);
      // The check above can fail: a pause past the limit costs the consumer its connection.
      Thread.sleep(LIMIT.toMillis() + 1_000);
      log.append(ProducerRecord.of("good", "k", "after a long pause"));
      pollOne(consumer);
      double afterLongPause = connectionsCreated(consumer);
      assertNotEquals(
          connections,
          afterLongPause,
          "the consumer kept its connection through a pause longer than the limit");
      System.out.printf(
          "max idle %d ms: a consumer pausing %d ms between polls opened no connection (%.0f in"
              + " all); after a %d ms pause it opened %.0f more%n",
          LIMIT.toMillis(),
          LIMIT.toMillis() * 3 / 4,
          connections,
          LIMIT.toMillis() + 1_000,
          afterLongPause - connections);
    }
  }

  /** Polls until one record comes, up to 10 s. */
  private static void pollOne(KafkaConsumer<String, String> consumer) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      int count = consumer.poll(Duration.ofMillis(100)).count();
      if (count > 0) {
        assertEquals(1, count, "records in one poll");
        return;
      }
    }
    throw new AssertionError("no record in 10 s");
  }

  /** The consumer's connection-creation-total: connections it has opened, bootstrap included. */
  private static double connectionsCreated(KafkaConsumer<String, String> consumer) {
    return consumer.metrics().entrySet().stream()
        .filter(
            e ->
                e.getKey().name().equals("connection-creation-total")
                    && e.getKey().group().equals("consumer-metrics"))
        .mapToDouble(e -> (Double) e.getValue().metricValue())
        .findFirst()
        .orElseThrow();
  }

  private static KafkaProducer<String, String> producer(KafkaServer server) {
    Properties props = new Properties();
    props.put("bootstrap.servers", server.bootstrapServers());
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  private static KafkaConsumer<String, String> consumer(KafkaServer server) {
    Properties props = new Properties();
    props.put("bootstrap.servers", server.bootstrapServers());
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }
}
