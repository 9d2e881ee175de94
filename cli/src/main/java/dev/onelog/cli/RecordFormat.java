package dev.onelog.cli;

import dev.onelog.Header;
import dev.onelog.LogRecord;

/**
 * How {@code consume} prints a record, one line each. {@code value} and {@code kv} print raw bytes,
 * with a null key or value as nothing; {@code json} tells null from empty, escapes newlines and
 * keeps bytes that are not UTF-8 (as base64, see {@link JsonBytes}), so use it for values that may
 * contain newlines or binary, and to feed {@code produce --format json}.
 */
enum RecordFormat {
  /** The value. */
  VALUE {
    @Override
    void append(LogRecord record, byte[] keySeparator, LineBuffer line) {
      appendNullable(line, record.value());
    }
  },
  /** The key, the separator (a tab by default), the value. */
  KV {
    @Override
    void append(LogRecord record, byte[] keySeparator, LineBuffer line) {
      appendNullable(line, record.key());
      line.append(keySeparator);
      appendNullable(line, record.value());
    }
  },
  /**
   * One JSON object: {@code {"topic":"t","partition":0,"offset":7,"timestamp":1714564800000,
   * "key":null,"value":"v","headers":[{"name":"h","value":"x"}]}}; timestamp in milliseconds since
   * the epoch. A key, value or header value that is not UTF-8 is base64, with a marker after it:
   * {@code "key":"AP8=","keyEncoding":"base64"} (see {@link JsonBytes}).
   */
  JSON {
    @Override
    void append(LogRecord record, byte[] keySeparator, LineBuffer line) {
      JsonWriter json =
          new JsonWriter(line)
              .beginObject()
              .name("topic")
              .value(record.topic())
              .name("partition")
              .value(record.partition())
              .name("offset")
              .value(record.offset())
              .name("timestamp")
              .value(record.timestampMs());
      JsonBytes.write(json, "key", record.key());
      JsonBytes.write(json, "value", record.value());
      json.name("headers").beginArray();
      for (Header header : record.headers()) {
        json.beginObject().name("name").value(header.name());
        JsonBytes.write(json, "value", header.value());
        json.endObject();
      }
      json.endArray().endObject();
    }
  };

  /** Appends the record without the line's end. */
  abstract void append(LogRecord record, byte[] keySeparator, LineBuffer line);

  private static void appendNullable(LineBuffer line, byte[] bytes) {
    if (bytes != null) {
      line.append(bytes);
    }
  }
}
