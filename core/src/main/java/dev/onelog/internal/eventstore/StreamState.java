package dev.onelog.internal.eventstore;

/**
 * A stream's state as one append session sees and changes it: its row of {@code es_streams},
 * brought up to its unindexed events ({@link EventTail}). Mutable; the writer thread's alone.
 */
final class StreamState {
  final String streamId;

  /** The version of its last event; -1 when it has none. */
  long version;

  long truncateBefore;
  boolean deleted;
  long lastPosition;
  long createdAtMs;

  StreamState(
      String streamId,
      long version,
      long truncateBefore,
      boolean deleted,
      long lastPosition,
      long createdAtMs) {
    this.streamId = streamId;
    this.version = version;
    this.truncateBefore = truncateBefore;
    this.deleted = deleted;
    this.lastPosition = lastPosition;
    this.createdAtMs = createdAtMs;
  }

  /** The version an expected version is checked against: -1 when absent or deleted. */
  long actualVersion() {
    return deleted ? -1 : version;
  }
}
