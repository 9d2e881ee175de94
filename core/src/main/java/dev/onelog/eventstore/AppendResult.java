package dev.onelog.eventstore;

import java.util.List;

/**
 * What an append to one stream stored: the stream's new version (the version of its last event) and
 * each event's global position, in the order given. A retried append (the same event ids at the
 * same place) returns the same result, with {@code retried} set.
 */
public record AppendResult(String streamId, long version, List<Long> positions, boolean retried) {
  public AppendResult {
    positions = List.copyOf(positions);
  }

  /** The global position of the last event appended. */
  public long lastPosition() {
    return positions.get(positions.size() - 1);
  }
}
