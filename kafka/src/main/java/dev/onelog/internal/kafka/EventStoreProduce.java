package dev.onelog.internal.kafka;

import dev.onelog.Header;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.eventstore.AppendResult;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.ExpectedVersion;
import dev.onelog.eventstore.StreamAppend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.InvalidRecordException;

/**
 * Produce to the event store's topic ({@link dev.onelog.eventstore.EventStore#TOPIC}): the records
 * of one partition become one atomic append of the event store, with its expected-version checks,
 * which no Kafka broker has. Each record is an event, its value the event's data, its headers:
 *
 * <table>
 *   <caption>Headers of a produced event</caption>
 *   <tr><th>header</th><th></th></tr>
 *   <tr><td>{@code es-stream}</td><td>the stream; required</td></tr>
 *   <tr><td>{@code es-type}</td><td>the event's type; required</td></tr>
 *   <tr><td>{@code es-expected-version}</td><td>on the stream's first record in the request: a
 *       version from 0, {@code no-stream}, {@code exists} or {@code any} (the default)</td></tr>
 *   <tr><td>{@code es-id}</td><td>the event's UUID, for safe retries; a new one when absent</td></tr>
 *   <tr><td>{@code es-metadata}</td><td>the event's metadata bytes</td></tr>
 * </table>
 *
 * <p>A conflict appends nothing of the partition's records and answers INVALID_RECORD with the
 * event store's message, which names the stream, the expected and the actual version.
 */
final class EventStoreProduce {
  static final String STREAM_HEADER = "es-stream";
  static final String TYPE_HEADER = "es-type";
  static final String EXPECTED_HEADER = "es-expected-version";
  static final String ID_HEADER = "es-id";
  static final String METADATA_HEADER = "es-metadata";

  private EventStoreProduce() {}

  /** Appends the records as events; completes with the position of the first. */
  static CompletableFuture<Long> append(OneLog log, List<ProducerRecord> records) {
    Map<String, ExpectedVersion> expected = new LinkedHashMap<>();
    Map<String, List<EventData>> events = new LinkedHashMap<>();
    for (ProducerRecord record : records) {
      String stream = required(record, STREAM_HEADER);
      String type = required(record, TYPE_HEADER);
      if (!expected.containsKey(stream)) {
        String version = header(record, EXPECTED_HEADER);
        expected.put(stream, version == null ? ExpectedVersion.any() : parse(version));
      }
      String id = header(record, ID_HEADER);
      byte[] metadata = bytes(record, METADATA_HEADER);
      events
          .computeIfAbsent(stream, s -> new ArrayList<>())
          .add(
              new EventData(
                  id == null ? EventData.newId() : uuid(id),
                  type,
                  record.value() == null ? new byte[0] : record.value(),
                  metadata == null ? new byte[0] : metadata,
                  Set.of()));
    }
    List<StreamAppend> appends = new ArrayList<>();
    events.forEach(
        (stream, list) -> appends.add(new StreamAppend(stream, expected.get(stream), list)));
    return log.eventStore()
        .appendAsync(appends)
        .thenApply(
            results -> {
              long first = Long.MAX_VALUE;
              for (AppendResult result : results) {
                first = Math.min(first, result.positions().get(0));
              }
              return first;
            });
  }

  private static ExpectedVersion parse(String text) {
    try {
      return ExpectedVersion.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(EXPECTED_HEADER + ": " + e.getMessage());
    }
  }

  private static UUID uuid(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(
          ID_HEADER + " '" + text + "' is not a UUID; send one such as " + EventData.newId());
    }
  }

  private static String required(ProducerRecord record, String name) {
    String value = header(record, name);
    if (value == null || value.isEmpty()) {
      throw new InvalidRecordException(
          "a record produced to the event store's topic needs a "
              + name
              + " header (headers "
              + STREAM_HEADER
              + ", "
              + TYPE_HEADER
              + " and optionally "
              + EXPECTED_HEADER
              + ", "
              + ID_HEADER
              + ", "
              + METADATA_HEADER
              + "; see docs/KAFKA.md)");
    }
    return value;
  }

  private static String header(ProducerRecord record, String name) {
    byte[] value = bytes(record, name);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ProducerRecord record, String name) {
    for (Header header : record.headers()) {
      if (header.name().equals(name)) {
        return header.value();
      }
    }
    return null;
  }
}
