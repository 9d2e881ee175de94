package dev.onelog;

/**
 * The lines format_interop.py prints, as Python's {@code json.dumps(..., separators=(",", ":"))}
 * writes them, so that {@link FormatInteropIT} can compare them exactly. Stateless.
 */
final class InteropJson {
  private InteropJson() {}

  /** A record line: topic, partition, offset, timestamp, key and value in hex, headers. */
  static String record(String topic, FormatInteropIT.Written w) {
    StringBuilder s =
        new StringBuilder()
            .append("{\"topic\":")
            .append(string(topic))
            .append(",\"partition\":")
            .append(w.partition())
            .append(",\"offset\":")
            .append(w.offset())
            .append(",\"timestamp_ms\":")
            .append(w.timestampMs())
            .append(",\"key\":")
            .append(hex(w.key()))
            .append(",\"value\":")
            .append(hex(w.value()))
            .append(",\"headers\":[");
    for (int i = 0; i < w.headers().size(); i++) {
      Header header = w.headers().get(i);
      s.append(i == 0 ? "" : ",")
          .append('[')
          .append(string(header.name()))
          .append(',')
          .append(hex(header.value()))
          .append(']');
    }
    return s.append("]}").toString();
  }

  private static String hex(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    StringBuilder s = new StringBuilder("\"");
    for (byte b : bytes) {
      s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return s.append('"').toString();
  }

  /** A JSON string as Python writes it with ensure_ascii: every char outside ' '..'~' escaped. */
  static String string(String text) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        case '\b' -> s.append("\\b");
        case '\f' -> s.append("\\f");
        default -> {
          if (c < ' ' || c > '~') {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }
}
