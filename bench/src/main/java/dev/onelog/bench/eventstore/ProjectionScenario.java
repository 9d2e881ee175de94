package dev.onelog.bench.eventstore;

import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.Scenario;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.Projection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Catch-up: {@code extra streams} streams (default 10,000) of {@code extra events} events each
 * (default 50: 500,000 events), appended first; then a projection starts from position 0 and
 * upserts a count per stream into its table, a batch of events per transaction with its checkpoint,
 * timed until its checkpoint reaches the end. Checks that the counts add up.
 */
final class ProjectionScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    int streamCount = Integer.parseInt(options.extra("streams", "10000"));
    int eventsPerStream = Integer.parseInt(options.extra("events", "50"));
    try (OneLog log = EventStoreBench.open(options, workDir)) {
      EventStore store = log.eventStore();
      EventStoreBench.fill(
          store,
          streamCount,
          eventsPerStream,
          Math.min(10, eventsPerStream),
          EventStoreBench.data(options, new SplittableRandom(42)));
      long end = store.endPosition();
      long start = System.nanoTime();
      try (Projection counts =
          store
              .projection("counts")
              .table(
                  "stream_counts",
                  t -> "CREATE TABLE " + t + " (stream_id TEXT PRIMARY KEY, events INTEGER)")
              .handler(
                  (event, tx) ->
                      tx.execute(
                          "INSERT INTO "
                              + tx.table("stream_counts")
                              + " VALUES (?, 1) ON CONFLICT DO UPDATE SET events = events + 1",
                          event.streamId()))
              .start()) {
        if (!counts.awaitCheckpoint(end, Duration.ofMinutes(30))) {
          throw new IllegalStateException("projection did not catch up: " + counts.status());
        }
      }
      long nanos = System.nanoTime() - start;
      long counted =
          log.transactionResult(
              tx ->
                  tx.query("SELECT sum(events) FROM stream_counts", row -> row.getLong(1)).get(0));
      if (counted != end) {
        throw new IllegalStateException("projection counted " + counted + " of " + end);
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("eventsPerSec", end / (nanos / 1e9));
      figures.put("events", end);
      figures.put("seconds", nanos / 1e9);
      return figures;
    }
  }
}
