package dev.onelog;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.onelog.eventstore.AppendCondition;
import dev.onelog.eventstore.AppendConflictException;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.EventPage;
import dev.onelog.eventstore.EventQuery;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import dev.onelog.eventstore.Projection;
import dev.onelog.eventstore.StreamAppend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A child process for {@link EventStoreProcessesIT}. Modes:
 *
 * <ul>
 *   <li>{@code append FILE NAME THREADS COUNT}: each thread appends COUNT events to the stream
 *       {@code shared}, each with the exact version it read, retrying on conflicts; data {@code
 *       NAME-thread-i}.
 *   <li>{@code conditional FILE NAME THREADS COUNT}: each thread appends COUNT {@code Slot} events,
 *       each to a stream of its own, only if no {@code Slot} event came after the last one it read;
 *       data is the position it read.
 *   <li>{@code project FILE}: runs the projection {@code rows} into the table {@code proj_rows},
 *       one row per event, and says "caught-up" once it reached the end.
 * </ul>
 */
public final class ChildEventWriter {
  private ChildEventWriter() {}

  public static void main(String[] args) throws Exception {
    try (OneLog log = OneLog.open(Path.of(args[1]))) {
      EventStore store = log.eventStore();
      System.out.println("open");
      System.out.flush();
      switch (args[0]) {
        case "append" -> parallel(args, (name, i) -> appendShared(store, name + "-" + i));
        case "conditional" -> parallel(args, (name, i) -> appendSlot(store, name + "-" + i));
        case "project" -> project(store);
        default -> throw new IllegalArgumentException(args[0]);
      }
      System.out.println("done");
      System.out.flush();
    }
    System.exit(0);
  }

  private interface Work {
    void run(String name, int i) throws Exception;
  }

  private static void parallel(String[] args, Work work) throws Exception {
    String name = args[2];
    int threads = Integer.parseInt(args[3]);
    int count = Integer.parseInt(args[4]);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String thread = name + "-" + t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < count; i++) {
                  work.run(thread, i);
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
  }

  private static void appendShared(EventStore store, String data) {
    while (true) {
      long version = store.streamVersion("shared");
      ExpectedVersion expected =
          version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version);
      try {
        store.append("shared", expected, List.of(EventData.of("Taken", data.getBytes(UTF_8))));
        return;
      } catch (AppendConflictException e) {
        // another writer took the version: read again
      }
    }
  }

  private static void appendSlot(EventStore store, String data) {
    while (true) {
      long last = lastSlot(store);
      try {
        store.append(
            AppendCondition.noneAfter(EventQuery.types("Slot"), last),
            List.of(
                StreamAppend.of(
                    "slot-" + data,
                    ExpectedVersion.noStream(),
                    EventData.of("Slot", Long.toString(last).getBytes(UTF_8)))));
        return;
      } catch (AppendConflictException e) {
        // a Slot came after the one read: read again
      }
    }
  }

  /** The position of the last Slot event, or -1. */
  static long lastSlot(EventStore store) {
    long last = -1;
    long from = 0;
    while (true) {
      EventPage page = store.readAll(from, 10_000, EventFilter.types("Slot"));
      if (!page.events().isEmpty()) {
        last = page.events().get(page.events().size() - 1).position();
      }
      if (page.endOfLog()) {
        return last;
      }
      from = page.nextPosition();
    }
  }

  private static void project(EventStore store) throws Exception {
    try (Projection projection =
        store
            .projection("rows")
            .batchSize(7)
            .table(
                "proj_rows",
                t ->
                    "CREATE TABLE "
                        + t
                        + " (position INTEGER PRIMARY KEY, stream TEXT, version INTEGER)")
            .handler(
                (event, tx) ->
                    tx.execute(
                        "INSERT INTO " + tx.table("proj_rows") + " VALUES (?, ?, ?)",
                        event.position(),
                        event.streamId(),
                        event.version()))
            .start()) {
      if (!projection.awaitCheckpoint(store.endPosition(), Duration.ofSeconds(60))) {
        throw new IllegalStateException(
            "not caught up: " + projection.status() + " " + projection.failure());
      }
      System.out.println("caught-up");
      System.out.flush();
    }
  }
}
