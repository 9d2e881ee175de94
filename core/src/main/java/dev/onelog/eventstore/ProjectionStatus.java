package dev.onelog.eventstore;

/**
 * A projection as the file records it: the next position it handles ({@code checkpoint}), how many
 * positions it is behind the end ({@code lag}), its state, and for a failed one the event and the
 * error that stopped it. While rebuilding, {@code rebuildCheckpoint} is the rebuild's progress and
 * {@code lag} counts from it.
 */
public record ProjectionStatus(
    String name,
    long checkpoint,
    long lag,
    ProjectionState state,
    Long rebuildCheckpoint,
    Long failedPosition,
    String error,
    long updatedAtMs) {}
