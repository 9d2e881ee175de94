package dev.onelog.eventstore;

/**
 * A stream's row of {@code es_streams}: its version (the version of its last event), the first
 * version reads return ({@code truncateBefore}), whether it was deleted, and the global position of
 * its last event.
 */
public record StreamInfo(
    String streamId,
    long version,
    long truncateBefore,
    boolean deleted,
    long lastPosition,
    long createdAtMs,
    long updatedAtMs) {}
