package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer reading a compacted topic while appends go on and compaction rewrites the batches
 * under it: it sees each record once, in offset order, each exactly as appended, and every record
 * that survives compaction is among those it saw.
 */
class CompactionWhileConsumingTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  @Test
  void aConsumerSeesEachSurvivingRecordOnceInOffsetOrder() throws Exception {
    OneLog log = fixture.open();
    log.createTopic(
        TopicSpec.named("t")
            .withCleanupPolicy(CleanupPolicy.COMPACT)
            .withMinCleanableDirtyRatio(0.01));
    Map<Long, String> appended = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread producer =
        new Thread(
            () -> {
              for (int round = 0; round < 200; round++) {
                List<ProducerRecord> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                  String key = "k" + ((round * 100 + i) % 37);
                  batch.add(ProducerRecord.of("t", key, key + "@" + round + "." + i));
                }
                List<RecordMetadata> stored = log.append(batch);
                for (int i = 0; i < stored.size(); i++) {
                  appended.put(
                      stored.get(i).offset(),
                      new String(batch.get(i).value(), StandardCharsets.UTF_8));
                }
                if (round % 10 == 0) {
                  log.compact();
                }
              }
              done.set(true);
            });
    producer.start();
    List<LogRecord> seen = new ArrayList<>();
    try (Consumer consumer = log.consumer("t")) {
      while (!done.get() || !consumer.poll(Duration.ofMillis(50)).isEmpty()) {
        seen.addAll(consumer.poll(Duration.ofMillis(20)));
      }
      seen.addAll(consumer.poll(Duration.ofMillis(100)));
    }
    producer.join();
    long previous = -1;
    for (LogRecord r : seen) {
      assertTrue(r.offset() > previous, "offset " + r.offset() + " after " + previous);
      previous = r.offset();
      assertEquals(appended.get(r.offset()), r.valueAsString(), "record at " + r.offset());
    }
    log.compact();
    Map<Long, LogRecord> seenByOffset = new ConcurrentHashMap<>();
    seen.forEach(r -> seenByOffset.put(r.offset(), r));
    List<LogRecord> survivors = log.read(new TopicPartition("t", 0), 0, ReadLimit.records(100_000));
    assertEquals(37, survivors.size());
    for (LogRecord survivor : survivors) {
      LogRecord consumed = seenByOffset.get(survivor.offset());
      assertTrue(consumed != null, "the consumer saw the surviving record at " + survivor.offset());
      assertArrayEquals(survivor.value(), consumed.value());
    }
  }
}
