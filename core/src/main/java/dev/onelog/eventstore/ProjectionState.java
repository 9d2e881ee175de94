package dev.onelog.eventstore;

/** A projection's state as {@code es_projections.state} records it. */
public enum ProjectionState {
  /** Handling events from its checkpoint (or waiting to, when no process runs it). */
  ACTIVE,
  /** Stopped by a failing handler at {@code failedPosition}; start it again to retry. */
  FAILED,
  /** Starting over from position 0 into replacement tables, swapped in once caught up. */
  REBUILDING
}
