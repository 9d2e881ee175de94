package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsumerTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  /**
   * The in-process wake-up alone: the consumer never looks at the file while it waits, so only the
   * writer's signal can end the wait before the 30 s timeout.
   */
  @Test
  void pollReturnsAsSoonAsAnotherThreadAppends() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    try (Consumer consumer = log.consumer("t").ignoreOtherProcesses()) {
      CompletableFuture<Void> producer =
          CompletableFuture.runAsync(
              () -> {
                sleep(200);
                log.append(ProducerRecord.of("t", null, "hello"));
              });
      long start = System.nanoTime();
      List<LogRecord> records = consumer.poll(Duration.ofSeconds(30));
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals("hello", records.get(0).valueAsString());
      assertTrue(waitedMs < 5_000, "poll returned after " + waitedMs + " ms, not at its timeout");
      producer.get();
    }
  }

  @Test
  void pollTimesOutWithNothing() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    try (Consumer consumer = log.consumer("t")) {
      assertEquals(List.of(), consumer.poll(Duration.ofMillis(50)));
      assertEquals(List.of(), consumer.poll(Duration.ZERO));
    }
  }

  @Test
  void pollReadsEveryPartitionInBoundedBatchesWithoutLosingAny() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(3));
    for (int i = 0; i < 3000; i++) {
      log.send(ProducerRecord.of("t", null, Integer.toString(i)).withPartition(i % 3));
    }
    log.flush();
    try (Consumer consumer = log.consumer("t").maxPollRecords(128)) {
      List<LogRecord> all = new ArrayList<>();
      while (all.size() < 3000) {
        List<LogRecord> batch = consumer.poll(Duration.ofSeconds(5));
        assertTrue(batch.size() <= 128 && !batch.isEmpty(), "batch of " + batch.size());
        all.addAll(batch);
      }
      assertEquals(List.of(), consumer.poll(Duration.ZERO));
      for (int p = 0; p < 3; p++) {
        int partition = p;
        List<Long> offsets =
            all.stream().filter(r -> r.partition() == partition).map(LogRecord::offset).toList();
        assertEquals(1000, offsets.size());
        for (int i = 0; i < 1000; i++) {
          assertEquals(i, offsets.get(i));
        }
        assertEquals(1000, consumer.position(TopicPartition.of("t", p)));
      }
    }
  }

  @Test
  void seekToEndSkipsWhatIsStoredAndSeekToTimestampFindsTheFirstAtOrAfter() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    for (long t = 1; t <= 5; t++) {
      log.append(ProducerRecord.of("t", null, "v" + t).withTimestampMs(t * 1000));
    }
    try (Consumer consumer = log.consumer(List.of(TopicPartition.of("t", 0)))) {
      consumer.seekToEnd();
      assertEquals(List.of(), consumer.poll(Duration.ZERO));
      log.append(ProducerRecord.of("t", null, "new").withTimestampMs(9000));
      assertEquals("new", consumer.poll(Duration.ofSeconds(5)).get(0).valueAsString());
      consumer.seekToTimestamp(Instant.ofEpochMilli(2500));
      assertEquals(2, consumer.poll(Duration.ZERO).get(0).offset());
      consumer.seek(TopicPartition.of("t", 0), 1);
      assertEquals(1, consumer.poll(Duration.ZERO).get(0).offset());
    }
  }

  @Test
  void seekingAPartitionNotAssignedIsAClearError() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    try (Consumer consumer = log.consumer(List.of(TopicPartition.of("t", 0)))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> consumer.seek(TopicPartition.of("t", 1), 0));
      assertEquals(
          "t-1 is not assigned to this consumer of [t-0]; assigned: [t-0]", e.getMessage());
    }
  }

  @Test
  void closingTheLogClosesItsConsumers() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    Consumer consumer = log.consumer("t");
    log.close();
    assertThrows(LogClosedException.class, () -> consumer.poll(Duration.ZERO));
    consumer.close();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A poll reads partition 0, then fails on partition 1's damaged batch: it returns nothing, so
   * partition 0's position must not have moved past the records it read, or the next poll, once the
   * damage is repaired, would skip them.
   */
  @Test
  void aPollThatFailsOnOnePartitionDoesNotSkipWhatItReadFromAnother() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    log.append(ProducerRecord.of("t", null, "zero").withPartition(0));
    log.append(ProducerRecord.of("t", null, "one").withPartition(1));
    String damage = "UPDATE log_1_1 SET crc = crc + 1"; // the batch no longer matches its CRC
    String repair = "UPDATE log_1_1 SET crc = crc - 1";
    try (Consumer consumer = log.consumer("t")) {
      sql(log, damage);
      assertThrows(CorruptRecordException.class, () -> consumer.poll(Duration.ofSeconds(5)));
      assertEquals(0, consumer.position(new TopicPartition("t", 0)));
      sql(log, repair);
      List<String> values = new ArrayList<>();
      while (values.size() < 2) {
        consumer.poll(Duration.ofSeconds(5)).forEach(r -> values.add(r.valueAsString()));
      }
      assertEquals(List.of("one", "zero"), values.stream().sorted().toList());
    }
  }

  private static void sql(OneLog log, String statement) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + log.path());
        java.sql.Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
