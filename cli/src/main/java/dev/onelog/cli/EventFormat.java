package dev.onelog.cli;

import dev.onelog.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/**
 * How {@code events read} and {@code events all} print an event, one line each.
 *
 * <pre>
 * text   POSITION TAB STREAM TAB VERSION TAB TYPE TAB DATA     (the data's bytes as they are)
 * json   {"stream":"acct-1","version":0,"position":7,"id":"0190...","type":"Deposited",
 *         "timestamp":1714564800000,"data":"{\"amount\":5}","metadata":"","tags":[]}
 * </pre>
 *
 * <p>{@code text} is for people and {@code cut}; like {@code consume}'s value format it prints the
 * data as raw bytes, so data holding a newline spans lines. {@code json} keeps everything: data or
 * metadata that is not UTF-8 is base64 with a marker ({@code "dataEncoding":"base64"}, as {@link
 * JsonBytes} writes for {@code consume}), and it is what {@code events append --format json} reads.
 */
enum EventFormat {
  TEXT {
    @Override
    void append(RecordedEvent event, LineBuffer line) {
      line.append(event.position())
          .append(TAB)
          .appendUtf8(event.streamId())
          .append(TAB)
          .append(event.version())
          .append(TAB)
          .appendUtf8(event.type())
          .append(TAB)
          .append(event.data());
    }
  },
  JSON {
    @Override
    void append(RecordedEvent event, LineBuffer line) {
      JsonWriter json =
          new JsonWriter(line)
              .beginObject()
              .name("stream")
              .value(event.streamId())
              .name("version")
              .value(event.version())
              .name("position")
              .value(event.position())
              .name("id")
              .value(event.id().toString())
              .name("type")
              .value(event.type())
              .name("timestamp")
              .value(event.timestampMs());
      JsonBytes.write(json, "data", event.data());
      JsonBytes.write(json, "metadata", event.metadata());
      json.name("tags").beginArray();
      for (String tag : new TreeSet<>(event.tags())) {
        json.value(tag.getBytes(StandardCharsets.UTF_8));
      }
      json.endArray().endObject();
    }
  };

  private static final byte TAB = '\t';

  /** Appends the event without the line's end. */
  abstract void append(RecordedEvent event, LineBuffer line);
}
