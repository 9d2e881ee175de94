package dev.onelog.eventstore;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An event to append: its id (a retry with the same id is recognised and not stored twice), its
 * type, its data, its metadata (correlation and causation ids, as the application encodes them) and
 * its tags, which conditional appends can ask about ({@link EventQuery}). The stream, version,
 * position and timestamp are given when it is appended ({@link RecordedEvent}). Immutable; the byte
 * arrays are not copied, so do not change them after handing them over.
 *
 * @param id unique in the event store: one id is one event
 * @param type 1 to 200 characters, not blank, e.g. {@code OrderPlaced}
 * @param data the event's body; may be empty, never null
 * @param metadata may be empty, never null
 * @param tags each 1 to 200 characters; may be empty
 */
public record EventData(UUID id, String type, byte[] data, byte[] metadata, Set<String> tags) {
  /** The longest type or tag, in UTF-16 code units. */
  public static final int MAX_NAME_LENGTH = 200;

  public EventData {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(metadata, "metadata");
    tags = Set.copyOf(Objects.requireNonNull(tags, "tags"));
    checkName(type, "event type");
    for (String tag : tags) {
      checkName(tag, "tag");
    }
  }

  /** An event with a new id ({@link #newId()}), no metadata and no tags. */
  public static EventData of(String type, byte[] data) {
    return new EventData(newId(), type, data, new byte[0], Set.of());
  }

  /**
   * A new time-ordered id, a UUID version 7 (RFC 9562): 48 bits of milliseconds since the epoch,
   * then random bits. The store's index of event ids is ordered by id, so ids that rise with time
   * are inserted at its right edge, where random (version 4) ids would each touch a page of their
   * own: docs/EVENTSTORE.md has the measurements.
   */
  public static UUID newId() {
    long ms = System.currentTimeMillis();
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    long high = (ms << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }

  public EventData withId(UUID newId) {
    return new EventData(newId, type, data, metadata, tags);
  }

  public EventData withMetadata(byte[] newMetadata) {
    return new EventData(id, type, data, newMetadata, tags);
  }

  public EventData withTags(String... newTags) {
    return new EventData(id, type, data, metadata, Set.of(newTags));
  }

  private static void checkName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an " + what + " must not be empty or blank: " + name);
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          what + " is " + name.length() + " characters long; the limit is " + MAX_NAME_LENGTH);
    }
  }

  @Override
  public String toString() {
    return "EventData[" + type + " " + id + ", " + data.length + " bytes]";
  }
}
