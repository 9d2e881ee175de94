package dev.onelog.bench;

import java.util.List;
import java.util.Map;

/**
 * The event store part of the report ({@code --only eventstore}): the labels its runs are filed
 * under, the two throughput targets and its summary fields.
 */
final class EventStoreFigures {
  static final String APPEND_BATCH = "es-append-100x16-FSYNC";
  static final String APPEND_SINGLE = "es-append-1x64-FSYNC";
  static final String READ = "es-read-FSYNC";
  static final String PROJECTION = "es-projection-FSYNC";

  static final double BATCH_TARGET = 500_000;
  static final double SINGLE_TARGET = 100_000;

  private EventStoreFigures() {}

  static List<Report.Target> targets(Bench.Results results) {
    return List.of(
        new Report.Target(
            "event store: batches of 100, expected versions, events/s",
            results.median(APPEND_BATCH, "eventsPerSec"),
            ">=",
            BATCH_TARGET),
        new Report.Target(
            "event store: 1 event per call, 64 threads, events/s",
            results.median(APPEND_SINGLE, "eventsPerSec"),
            ">=",
            SINGLE_TARGET));
  }

  static void summarize(Bench.Results results, Map<String, Object> s) {
    s.put("eventStoreBatchEventsPerSec", results.median(APPEND_BATCH, "eventsPerSec"));
    s.put("eventStoreSingleEventsPerSec", results.median(APPEND_SINGLE, "eventsPerSec"));
    s.put("eventStoreReadP99Us", results.median(READ, "readP99Us"));
    s.put("eventStoreProjectionEventsPerSec", results.median(PROJECTION, "eventsPerSec"));
  }
}
