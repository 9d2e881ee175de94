package dev.onelog.eventstore;

/** An aggregate's state as of a version of its stream, saved by the application. */
public record Snapshot(String streamId, long version, byte[] data, long savedAtMs) {}
