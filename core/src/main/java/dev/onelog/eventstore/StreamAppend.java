package dev.onelog.eventstore;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** Events for one stream with the version the stream is expected at; part of an append. */
public record StreamAppend(String streamId, ExpectedVersion expected, List<EventData> events) {
  /** The longest stream id, in UTF-16 code units. */
  public static final int MAX_STREAM_ID_LENGTH = 1000;

  /** The most events one append may carry to one stream. */
  public static final int MAX_EVENTS = 10_000;

  public StreamAppend {
    checkStreamId(streamId);
    Objects.requireNonNull(expected, "expected");
    events = List.copyOf(Objects.requireNonNull(events, "events"));
    if (events.isEmpty()) {
      throw new IllegalArgumentException(
          "no events to append to stream '" + streamId + "'; give at least one");
    }
    if (events.size() > MAX_EVENTS) {
      throw new IllegalArgumentException(
          events.size()
              + " events for stream '"
              + streamId
              + "' in one append; the limit is "
              + MAX_EVENTS
              + ", append them in several calls");
    }
    Set<UUID> ids = new HashSet<>();
    for (EventData event : events) {
      if (!ids.add(event.id())) {
        throw new IllegalArgumentException(
            "event id " + event.id() + " appears twice in one append to stream '" + streamId + "'");
      }
    }
  }

  public static StreamAppend of(String streamId, ExpectedVersion expected, EventData... events) {
    return new StreamAppend(streamId, expected, List.of(events));
  }

  /**
   * @throws IllegalArgumentException when the id is null, empty, blank or too long
   */
  public static void checkStreamId(String streamId) {
    if (streamId == null || streamId.isBlank()) {
      throw new IllegalArgumentException("a stream id must not be empty or blank: " + streamId);
    }
    if (streamId.length() > MAX_STREAM_ID_LENGTH) {
      throw new IllegalArgumentException(
          "stream id is "
              + streamId.length()
              + " characters long; the limit is "
              + MAX_STREAM_ID_LENGTH);
    }
  }
}
