package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's Java quick start, as written there, so that the README stays true. */
class ReadmeQuickStartTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  @Test
  void theReadmeQuickStartWorks() {
    Path events = logs.file("events.db");
    List<String> printed = new ArrayList<>();
    // From README.md, "Quick start: the library" (System.out.println -> printed.add).
    try (OneLog log = OneLog.open(events)) {
      log.createTopic(TopicSpec.named("orders").withPartitions(3));

      // send() returns at once; append() waits for the durable commit.
      CompletableFuture<RecordMetadata> pending =
          log.send(ProducerRecord.of("orders", "alice", "created"));
      RecordMetadata stored =
          log.append(ProducerRecord.of("orders", "bob", "paid").withHeader("source", "web"));

      try (Consumer consumer = log.consumer("orders")) { // every partition, from the start
        for (LogRecord record : consumer.poll(Duration.ofSeconds(1))) {
          printed.add(
              record.partition()
                  + "@"
                  + record.offset()
                  + " "
                  + record.keyAsString()
                  + " = "
                  + record.valueAsString());
        }
      }
      assertEquals(true, pending.isDone(), "append commits after the send queued before it");
      assertEquals("orders", stored.topic());
    }
    assertEquals(2, printed.size(), printed.toString());
  }
}
