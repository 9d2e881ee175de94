package dev.onelog.eventstore;

import dev.onelog.OneLogException;
import java.util.UUID;

/**
 * An append carried an event id that the store already holds somewhere else than the place the
 * append would put it: ids are unique in the store. (The same ids at the same place are a retry,
 * answered with the first append's result.) Nothing of the append was stored.
 */
public class DuplicateEventIdException extends OneLogException {
  private static final long serialVersionUID = 1L;

  private final UUID eventId;
  private final String storedStreamId;
  private final long storedVersion;

  public DuplicateEventIdException(
      UUID eventId, String appendedTo, String storedStreamId, long storedVersion) {
    super(
        "event id "
            + eventId
            + " appended to stream '"
            + appendedTo
            + "' is already stored as version "
            + storedVersion
            + " of stream '"
            + storedStreamId
            + "'; nothing was appended. Give each new event a new id (a retry must resend the same"
            + " events to the same stream)");
    this.eventId = eventId;
    this.storedStreamId = storedStreamId;
    this.storedVersion = storedVersion;
  }

  public UUID eventId() {
    return eventId;
  }

  /** The stream that holds the id. */
  public String storedStreamId() {
    return storedStreamId;
  }

  public long storedVersion() {
    return storedVersion;
  }
}
