package dev.onelog.eventstore;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An event as stored: where it is in its stream ({@code version}) and in the global order ({@code
 * position}, the offset of its record in the event topic). Immutable; the byte arrays are shared,
 * do not change them.
 */
public record RecordedEvent(
    String streamId,
    long version,
    long position,
    UUID id,
    String type,
    byte[] data,
    byte[] metadata,
    Set<String> tags,
    long timestampMs) {

  public Instant timestamp() {
    return Instant.ofEpochMilli(timestampMs);
  }

  @Override
  public String toString() {
    return "RecordedEvent["
        + streamId
        + "@"
        + version
        + " position "
        + position
        + " "
        + type
        + " "
        + id
        + "]";
  }
}
