package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onelog.group.GroupConsumer;
import dev.onelog.group.OffsetReset;
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

  @Test
  void theReadmeGroupAndTransactionExampleWorks() {
    try (OneLog log = OneLog.open(logs.file("billing.db"))) {
      log.createTopic(TopicSpec.named("orders").withPartitions(3));
      log.createTopic(TopicSpec.named("invoices"));
      log.append(ProducerRecord.of("orders", "alice", "created"));
      log.transaction(tx -> tx.execute("CREATE TABLE IF NOT EXISTS billed (order_id TEXT)"));
      // From README.md, "Quick start: the library", with offsetReset(EARLIEST) so that the
      // record appended above is read, and a loop until it is.
      try (GroupConsumer billing =
          log.groups()
              .consumer("billing")
              .topics("orders")
              .offsetReset(OffsetReset.EARLIEST)
              .open()) {
        List<LogRecord> orders = new ArrayList<>();
        while (orders.isEmpty()) {
          orders = billing.poll(Duration.ofSeconds(1));
        }
        List<LogRecord> polled = orders;
        log.transaction(
            tx -> { // all of it, or none of it
              for (LogRecord order : polled) {
                tx.send(ProducerRecord.of("invoices", order.key(), order.value()));
                tx.execute("INSERT INTO billed (order_id) VALUES (?)", order.keyAsString());
              }
              tx.commitOffsets(billing.groupMetadata(), GroupConsumer.nextOffsets(polled));
            });
      }
      assertEquals(1, log.nextOffset(TopicPartition.of("invoices", 0)));
      assertEquals(
          List.of("alice"),
          log.transactionResult(
              tx -> tx.query("SELECT order_id FROM billed", row -> row.getString(1))));
    }
  }
}
