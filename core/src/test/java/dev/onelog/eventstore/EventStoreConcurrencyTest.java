package dev.onelog.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogFixture;
import dev.onelog.OneLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writers in many threads whose transactions fail at random (about 10%) while a subscription tails
 * all events: positions are dense among committed events and the subscriber sees every one, in
 * order. Seeded: {@code -Donelog.seed=S}.
 */
class EventStoreConcurrencyTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  @Test
  void failingTransactionsLeaveNoGapAndTheSubscriberSkipsNothing() throws Exception {
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    System.out.println("EventStoreConcurrencyTest seed " + seed);
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    int threads = 8;
    int perThread = 60;
    AtomicInteger committed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try (EventSubscription subscription = store.subscribeToAll(0, EventFilter.ALL)) {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random random = new Random(seed + t);
        String stream = "w-" + t;
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    int events = 1 + random.nextInt(3);
                    boolean fail = random.nextInt(10) == 0;
                    List<EventData> batch = new ArrayList<>();
                    for (int e = 0; e < events; e++) {
                      batch.add(EventData.of("E", new byte[] {(byte) e}));
                    }
                    try {
                      log.transaction(
                          tx -> {
                            store.append(
                                tx,
                                null,
                                List.of(new StreamAppend(stream, ExpectedVersion.any(), batch)));
                            if (fail) {
                              throw new IllegalStateException("fails at random");
                            }
                          });
                      committed.addAndGet(events);
                    } catch (IllegalStateException expected) {
                      assertTrue(fail);
                    }
                    // and appends outside transactions, batched by the group commit
                    store.append(
                        stream + "-b",
                        ExpectedVersion.any(),
                        List.of(EventData.of("F", new byte[0])));
                    committed.incrementAndGet();
                  }
                  return null;
                }));
      }
      List<RecordedEvent> seen = new ArrayList<>();
      Future<?> tail =
          pool.submit(
              () -> {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline) {
                  seen.addAll(subscription.poll(Duration.ofMillis(50)));
                  boolean writing = writers.stream().anyMatch(f -> !f.isDone());
                  if (!writing && seen.size() >= committed.get()) {
                    return null;
                  }
                }
                return null;
              });
      for (Future<?> writer : writers) {
        writer.get();
      }
      tail.get();
      assertEquals(committed.get(), seen.size());
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(i, seen.get(i).position(), "the subscriber skipped or repeated a position");
      }
      assertEquals(committed.get(), store.endPosition());
    } finally {
      pool.shutdownNow();
    }
  }
}
