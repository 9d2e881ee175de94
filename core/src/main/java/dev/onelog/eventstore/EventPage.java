package dev.onelog.eventstore;

import java.util.List;

/**
 * A batch of a read of all events: the events, in position order, and the position to read from
 * next (past events the filter skipped too). {@code endOfLog}: nothing was left to read.
 */
public record EventPage(List<RecordedEvent> events, long nextPosition, boolean endOfLog) {
  public EventPage {
    events = List.copyOf(events);
  }
}
