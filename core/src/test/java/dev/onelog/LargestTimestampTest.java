package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OneLog#largestTimestamp}: Kafka's "max timestamp" offset, across batches. */
class LargestTimestampTest {
  @TempDir Path dir;

  private static ProducerRecord at(long timestampMs) {
    return new ProducerRecord("t", 0, timestampMs, null, new byte[] {1}, List.of());
  }

  @Test
  void theFirstRecordOfTheLargestTimestampWhateverItsBatchAndAfterDeletions() {
    try (OneLog log = OneLog.open(dir.resolve("ts.db"))) {
      log.createTopic(TopicSpec.named("t"));
      TopicPartition tp = new TopicPartition("t", 0);
      assertTrue(log.largestTimestamp(tp).isEmpty(), "an empty partition has none");
      log.append(List.of(at(10), at(50), at(20))); // one batch: offsets 0-2
      log.append(List.of(at(30), at(50), at(40))); // offsets 3-5: 50 again, later
      log.append(List.of(at(5))); // offset 6
      RecordMetadata largest = log.largestTimestamp(tp).orElseThrow();
      assertEquals(1, largest.offset(), "the lowest offset among equal timestamps");
      assertEquals(50, largest.timestampMs());

      log.deleteRecordsBefore(tp, 2); // inside the first batch: offset 1 is gone
      assertEquals(4, log.largestTimestamp(tp).orElseThrow().offset());

      log.deleteRecordsBefore(tp, 5);
      RecordMetadata rest = log.largestTimestamp(tp).orElseThrow();
      assertEquals(5, rest.offset());
      assertEquals(40, rest.timestampMs());
    }
  }
}
