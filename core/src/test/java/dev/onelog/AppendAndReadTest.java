package dev.onelog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AppendAndReadTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  @Test
  void appendedRecordsReadBackWithOffsetsFromZero() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    for (int i = 0; i < 10; i++) {
      RecordMetadata stored = log.append(ProducerRecord.of("t", "k" + i, "v" + i));
      assertEquals(new RecordMetadata("t", 0, i, stored.timestampMs()), stored);
    }
    List<LogRecord> records = log.read(T0, 0, ReadLimit.DEFAULT);
    assertEquals(10, records.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(i, records.get(i).offset());
      assertEquals("k" + i, records.get(i).keyAsString());
      assertEquals("v" + i, records.get(i).valueAsString());
    }
    assertEquals(0, log.earliestOffset(T0));
    assertEquals(10, log.nextOffset(T0));
  }

  @Test
  void nullAndEmptyKeysAndValuesAreKeptApart() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", (byte[]) null, null));
    log.append(ProducerRecord.of("t", new byte[0], new byte[0]));
    List<LogRecord> records = log.read(T0, 0, ReadLimit.DEFAULT);
    assertNull(records.get(0).key());
    assertNull(records.get(0).value());
    assertArrayEquals(new byte[0], records.get(1).key());
    assertArrayEquals(new byte[0], records.get(1).value());
  }

  @Test
  void headersKeepOrderDuplicatesAndNullValues() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    log.append(
        ProducerRecord.of("t", null, "v")
            .withHeader("a", "1")
            .withHeader("b", (byte[]) null)
            .withHeader("a", "2")
            .withHeader("é", ""));
    List<Header> headers = log.read(T0, 0, ReadLimit.DEFAULT).get(0).headers();
    assertEquals(
        List.of(
            Header.of("a", "1"),
            Header.of("b", (byte[]) null),
            Header.of("a", "2"),
            Header.of("é", "")),
        headers);
  }

  @Test
  void timestampsComeFromTheRecordOrTheClock() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    OneLog log = logs.open(logs.builder().clock(clock));
    log.createTopic(TopicSpec.named("t"));
    assertEquals(clock.millis(), log.append(ProducerRecord.of("t", null, "a")).timestampMs());
    assertEquals(
        42, log.append(ProducerRecord.of("t", null, "b").withTimestampMs(42)).timestampMs());
    assertEquals(42, log.read(T0, 1, ReadLimit.DEFAULT).get(0).timestampMs());
  }

  @Test
  void keyedRecordsGoWhereKafkasPartitionerPutsThem() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(6));
    for (int i = 0; i < 100; i++) {
      byte[] key = ("key-" + i).getBytes(UTF_8);
      int expected =
          org.apache.kafka.common.utils.Utils.toPositive(
                  org.apache.kafka.common.utils.Utils.murmur2(key))
              % 6;
      assertEquals(expected, log.append(ProducerRecord.of("t", key, key)).partition(), "key-" + i);
    }
  }

  @Test
  void unkeyedRecordsFillABatchOfAPartitionThenSpreadOverEveryPartition() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(4));
    // 1,000 bytes each: 64 KiB of them (about 64) go to one partition before the next.
    List<RecordMetadata> first = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      first.add(log.append(ProducerRecord.of("t", (byte[]) null, new byte[1000])));
    }
    assertEquals(
        Set.of(0), first.stream().map(RecordMetadata::partition).collect(Collectors.toSet()));
    for (int i = 0; i < 400; i++) {
      log.send(ProducerRecord.of("t", (byte[]) null, new byte[1000]));
    }
    log.flush();
    for (PartitionDescription p : log.describeTopic("t").partitions()) {
      assertTrue(p.recordCount() >= 60, "partition " + p.partition() + ": " + p.recordCount());
    }
  }

  @Test
  void aListCommitsAtomicallyAcrossPartitions() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    List<RecordMetadata> stored =
        log.append(
            List.of(
                ProducerRecord.of("t", null, "a").withPartition(0),
                ProducerRecord.of("t", null, "b").withPartition(1),
                ProducerRecord.of("t", null, "c").withPartition(0)));
    assertEquals(List.of(0L, 0L, 1L), stored.stream().map(RecordMetadata::offset).toList());
  }

  @Test
  void aListWithOneBadRecordQueuesNothing() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    List<ProducerRecord> records =
        List.of(
            ProducerRecord.of("t", null, "ok"),
            ProducerRecord.of("t", null, "bad").withPartition(3));
    UnknownPartitionException e =
        assertThrows(UnknownPartitionException.class, () -> log.append(records));
    assertEquals("topic 't' has no partition 3; its partitions are 0..0", e.getMessage());
    log.flush();
    assertEquals(0, log.nextOffset(T0));
  }

  @Test
  void readsAreBoundedByCountAndBytesButReturnAtLeastOneRecord() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    for (int i = 0; i < 10; i++) {
      log.send(ProducerRecord.of("t", null, new byte[100]));
    }
    log.flush();
    assertEquals(3, log.read(T0, 0, ReadLimit.records(3)).size());
    assertEquals(2, log.read(T0, 0, new ReadLimit(100, 250)).size());
    assertEquals(1, log.read(T0, 4, new ReadLimit(100, 1)).size());
    assertEquals(4, log.read(T0, 4, new ReadLimit(100, 1)).get(0).offset());
    assertEquals(0, log.read(T0, 10, ReadLimit.DEFAULT).size());
  }

  @Test
  void offsetForTimestampFindsTheFirstRecordAtOrAfter() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    long[] times = {100, 200, 150, 300};
    for (long t : times) {
      log.append(ProducerRecord.of("t", null, "x").withTimestampMs(t));
    }
    assertEquals(OptionalLong.of(0), log.offsetForTimestamp(T0, Instant.ofEpochMilli(50)));
    assertEquals(OptionalLong.of(1), log.offsetForTimestamp(T0, Instant.ofEpochMilli(150)));
    assertEquals(OptionalLong.of(3), log.offsetForTimestamp(T0, Instant.ofEpochMilli(250)));
    assertEquals(OptionalLong.empty(), log.offsetForTimestamp(T0, Instant.ofEpochMilli(301)));
  }

  @Test
  void manyConcurrentSendsAllCommitWithDistinctOffsets() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      List<CompletableFuture<RecordMetadata>> mine = new ArrayList<>();
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 5000; i++) {
                  mine.add(log.send(ProducerRecord.of("t", null, "x")));
                }
                synchronized (futures) {
                  futures.addAll(mine);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long[] offsets = futures.stream().mapToLong(f -> f.join().offset()).sorted().toArray();
    assertEquals(20_000, offsets.length);
    for (int i = 0; i < offsets.length; i++) {
      assertEquals(i, offsets[i]);
    }
  }

  @Test
  void describeReportsCountsBytesAndNewestTimestamp() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    log.append(ProducerRecord.of("t", "ab", "cde").withPartition(1).withTimestampMs(7));
    TopicDescription d = log.describeTopic("t");
    assertEquals(new PartitionDescription(0, 0, 0, 0, 0, -1), d.partitions().get(0));
    assertEquals(new PartitionDescription(1, 0, 1, 1, 5, 7), d.partitions().get(1));
    assertTrue(log.fileSizeBytes() > 0);
  }
}
