package dev.onelog.bench.eventstore;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/** Opening the event store scenarios' log, their events, and filling streams before a read. */
final class EventStoreBench {
  static final String TYPE = "Deposited";

  private EventStoreBench() {}

  static OneLog open(BenchOptions options, Path workDir) {
    return OneLog.builder(workDir.resolve("bench.db"))
        .durability(Durability.valueOf(options.durability()))
        .open();
  }

  /** An event of {@code options.valueBytes()} bytes of data, with a new (time-ordered) id. */
  static EventData event(byte[] data) {
    return EventData.of(TYPE, data);
  }

  static byte[] data(BenchOptions options, SplittableRandom random) {
    byte[] data = new byte[options.valueBytes()];
    random.nextBytes(data);
    return data;
  }

  /**
   * Appends {@code events} events to {@code streams} streams, each stream's in appends of {@code
   * perAppend} (the first expecting no stream, the others the version before), a stream's appends
   * in order, streams' appends interleaved and pipelined; waits until all are durable.
   */
  static void fill(EventStore store, int streams, int eventsPerStream, int perAppend, byte[] data) {
    long start = System.nanoTime();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int from = 0; from < eventsPerStream; from += perAppend) {
      int count = Math.min(perAppend, eventsPerStream - from);
      for (int s = 0; s < streams; s++) {
        List<EventData> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          events.add(event(data));
        }
        ExpectedVersion expected =
            from == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(from - 1);
        pending.add(store.appendAsync(ZipfStreams.id(s), expected, events));
        if (pending.size() >= 256) {
          pending.remove(0).join();
        }
      }
      for (CompletableFuture<?> f : pending) {
        f.join();
      }
      pending.clear();
    }
    System.err.printf(
        Locale.ROOT,
        "    filled %,d streams of %,d events in %.1f s%n",
        streams,
        eventsPerStream,
        (System.nanoTime() - start) / 1e9);
  }
}
