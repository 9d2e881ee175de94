package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void appendThenRead() {
    Path file = dir.resolve("smoke.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t").withPartitions(2));
      RecordMetadata m = log.append(ProducerRecord.of("t", "k", "v").withPartition(1).withHeader("h", "x"));
      assertEquals(0, m.offset());
      for (int i = 0; i < 1000; i++) {
        log.send(ProducerRecord.of("t", null, "v" + i).withPartition(0));
      }
      log.flush();
      List<LogRecord> records = log.read(TopicPartition.of("t", 0), 0, ReadLimit.records(2000));
      assertEquals(1000, records.size());
      try (Consumer c = log.consumer("t")) {
        int n = 0;
        while (n < 1001) {
          n += c.poll(Duration.ofSeconds(1)).size();
        }
      }
      assertEquals("x", log.read(TopicPartition.of("t", 1), 0, ReadLimit.DEFAULT).get(0).headers().get(0).valueAsString());
    }
    LogInvariants.check(file);
  }
}
