package dev.onelog.eventstore;

import java.util.List;
import java.util.Optional;

/**
 * What rebuilds an aggregate: its latest snapshot, if any, and the events of its stream after it
 * (all its events when there is none), in version order.
 */
public record AggregateHistory(Optional<Snapshot> snapshot, List<RecordedEvent> events) {
  public AggregateHistory {
    events = List.copyOf(events);
  }

  /** The stream's version these give: the last event's, or the snapshot's, or -1. */
  public long version() {
    if (!events.isEmpty()) {
      return events.get(events.size() - 1).version();
    }
    return snapshot.map(Snapshot::version).orElse(-1L);
  }
}
