package dev.onelog.internal.eventstore;

import dev.onelog.Header;
import dev.onelog.LogRecord;
import dev.onelog.RecordTooLargeException;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.write.EncodedRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An event as a record of the event topic, so that any consumer of the topic reads it: the key is
 * the stream id (UTF-8), the value the event's data, the timestamp the append's, and headers carry
 * the rest, as text where it is text so that {@code onelog consume} and Kafka clients show it:
 *
 * <pre>
 * es-type      the event type, UTF-8
 * es-version   the event's version in its stream, decimal ASCII ("0", "1", ...)
 * es-id        the event id, as the 36-character UUID text
 * es-metadata  the metadata bytes; absent when empty
 * es-tag       one header per tag, UTF-8; absent when none
 * </pre>
 *
 * The version is known only inside the write transaction, so the headers are encoded there ({@link
 * #encode}); everything else, and the size check, on the caller's thread ({@link #prepare}).
 * Stateless.
 */
final class EventCodec {
  private EventCodec() {}

  /** The longest version header: 19 digits. */
  private static final int MAX_VERSION_DIGITS = 19;

  /** An event ready for the writer but for its version. */
  record Prepared(EventData event, byte[] key, long timestampMs) {}

  /**
   * @throws RecordTooLargeException when the event's record would be over the log's limit
   */
  static Prepared prepare(
      EventData event, String streamId, long timestampMs, int maxRecordSizeBytes) {
    byte[] key = streamId.getBytes(StandardCharsets.UTF_8);
    List<Header> headers = headers(event, Long.MAX_VALUE);
    long size =
        RecordCodec.sizeInBytes(key, event.data(), RecordCodec.encodeHeaders(headers))
            + MAX_VERSION_DIGITS
            - String.valueOf(Long.MAX_VALUE).length();
    if (size > maxRecordSizeBytes) {
      throw new RecordTooLargeException(
          "event "
              + event.id()
              + " for stream '"
              + streamId
              + "' is "
              + size
              + " bytes as a record (stream id, data, type, metadata, tags); the log's maximum"
              + " record size is "
              + maxRecordSizeBytes
              + " bytes. Make the data smaller, or open the log with a larger maxRecordSizeBytes",
          size,
          maxRecordSizeBytes);
    }
    return new Prepared(event, key, timestampMs);
  }

  static EncodedRecord encode(Prepared prepared, TopicMeta topic, long version) {
    byte[] headers = RecordCodec.encodeHeaders(headers(prepared.event(), version));
    byte[] data = prepared.event().data();
    return new EncodedRecord(
        topic.name(),
        topic.id(),
        0,
        prepared.timestampMs(),
        prepared.key(),
        data,
        headers,
        (int) RecordCodec.sizeInBytes(prepared.key(), data, headers));
  }

  private static List<Header> headers(EventData event, long version) {
    List<Header> headers = new ArrayList<>(4 + event.tags().size());
    headers.add(Header.of(EventTables.TYPE_HEADER, event.type()));
    headers.add(Header.of(EventTables.VERSION_HEADER, Long.toString(version)));
    headers.add(Header.of(EventTables.ID_HEADER, event.id().toString()));
    if (event.metadata().length > 0) {
      headers.add(Header.of(EventTables.METADATA_HEADER, event.metadata()));
    }
    for (String tag : event.tags()) {
      headers.add(Header.of(EventTables.TAG_HEADER, tag));
    }
    return headers;
  }

  /** The event of the cursor's current record; null for a record that is not an event. */
  static RecordedEvent decode(TopicMeta topic, BatchCursor batch) {
    return decode(
        new LogRecord(
            topic.name(),
            0,
            batch.offset(),
            batch.timestampMs(),
            batch.key(),
            batch.value(),
            RecordCodec.decodeHeaders(batch.headers())));
  }

  /** The event a record of the event topic holds; null for a record that is not an event. */
  static RecordedEvent decode(LogRecord record) {
    String type = null;
    String version = null;
    String id = null;
    byte[] metadata = new byte[0];
    Set<String> tags = null;
    for (Header header : record.headers()) {
      if (header.value() == null) {
        continue;
      }
      switch (header.name()) {
        case EventTables.TYPE_HEADER -> type = header.valueAsString();
        case EventTables.VERSION_HEADER -> version = header.valueAsString();
        case EventTables.ID_HEADER -> id = header.valueAsString();
        case EventTables.METADATA_HEADER -> metadata = header.value();
        case EventTables.TAG_HEADER -> {
          if (tags == null) {
            tags = new HashSet<>();
          }
          tags.add(header.valueAsString());
        }
        default -> {}
      }
    }
    if (type == null || version == null || id == null || record.key() == null) {
      return null;
    }
    return new RecordedEvent(
        new String(record.key(), StandardCharsets.UTF_8),
        Long.parseLong(version),
        record.offset(),
        UUID.fromString(id),
        type,
        record.value() == null ? new byte[0] : record.value(),
        metadata,
        tags == null ? Set.of() : Set.copyOf(tags),
        record.timestampMs());
  }

  /** An event id as stored in {@code es_events.event_id}: 16 bytes, most significant first. */
  static byte[] idBytes(UUID id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  /**
   * Orders ids as their {@link #idBytes} compare as unsigned bytes (SQLite's BLOB order), without
   * making the bytes: two unsigned comparisons of longs.
   */
  static int compareIds(UUID a, UUID b) {
    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return high != 0
        ? high
        : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }

  static UUID idOf(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong());
  }
}
