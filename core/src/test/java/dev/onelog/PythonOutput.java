package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onelog.FormatInteropIT.Batch;
import dev.onelog.FormatInteropIT.Written;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What format_interop.py appends and prints, as {@link FormatInteropIT} expects it: its lines as
 * Python's {@code json.dumps(..., separators=(",", ":"))} writes them, so that they can be compared
 * exactly. Stateless.
 */
final class PythonOutput {
  /** The headers of the first record Python appends. */
  static final List<Header> APPENDED_HEADERS =
      List.of(Header.of("origin", "python"), Header.of("nothing", (byte[]) null));

  private PythonOutput() {}

  /**
   * The records {@code --count N --key py-key --value VALUE --timestamp-ms T} appends: record 0 has
   * the key, the value and two headers; record i >= 1 no key, no headers and the value "VALUE i",
   * or none when i is even; timestamps fall from T + N - 1 to T.
   */
  static List<Written> appended(
      int partition, long baseOffset, int count, long timestampMs, String value) {
    List<Written> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          new Written(
              partition,
              baseOffset + i,
              timestampMs + count - 1 - i,
              i == 0 ? utf8("py-key") : null,
              i == 0 ? utf8(value) : i % 2 == 0 ? null : utf8(value + " " + i),
              i == 0 ? APPENDED_HEADERS : List.of()));
    }
    return records;
  }

  /** The line Python prints after appending these records as one batch. */
  static String appendedLine(String topic, List<Written> records) {
    long baseOffset = records.get(0).offset();
    return "{\"appended\":{\"topic\":"
        + string(topic)
        + ",\"partition\":"
        + records.get(0).partition()
        + ",\"base_offset\":"
        + baseOffset
        + ",\"last_offset\":"
        + records.get(records.size() - 1).offset()
        + ",\"record_count\":"
        + records.size()
        + ",\"max_timestamp_ms\":"
        + records.stream().mapToLong(Written::timestampMs).max().orElseThrow()
        + ",\"size_bytes\":"
        + DocumentedBatch.sizeInBytes(records)
        + ",\"crc\":"
        + LogInvariants.crc(baseOffset, DocumentedBatch.records(baseOffset, records))
        + "}}";
  }

  /**
   * What Python prints reading the topic from {@code fromOffset}: per partition its records at or
   * above it, then how many batches it read and records it printed, and the partition's newest
   * timestamp, the largest in its newest batch (docs/FORMAT.md section 6).
   */
  static List<String> read(
      String topic, List<Written> written, List<List<Batch>> batches, long fromOffset) {
    List<String> lines = new ArrayList<>();
    for (int partition = 0; partition < batches.size(); partition++) {
      int p = partition;
      List<Written> records =
          written.stream()
              .filter(w -> w.partition() == p && w.offset() >= fromOffset)
              .sorted(Comparator.comparingLong(Written::offset))
              .toList();
      records.forEach(w -> lines.add(record(topic, w)));
      long batchesRead = batches.get(p).stream().filter(b -> b.lastOffset() >= fromOffset).count();
      lines.add(
          "{\"partition_read\":{\"topic\":"
              + string(topic)
              + ",\"partition\":"
              + p
              + ",\"batches\":"
              + batchesRead
              + ",\"records\":"
              + records.size()
              + ",\"newest_timestamp_ms\":"
              + newestTimestampMs(written, p, batches.get(p))
              + "}}");
    }
    return lines;
  }

  /**
   * The largest timestamp of the partition's records in its newest batch, as JSON: null when the
   * partition has no batch.
   */
  static String newestTimestampMs(List<Written> written, int partition, List<Batch> batches) {
    if (batches.isEmpty()) {
      return "null";
    }
    Batch newest = batches.get(batches.size() - 1);
    return Long.toString(
        written.stream()
            .filter(
                w ->
                    w.partition() == partition
                        && w.offset() >= newest.baseOffset()
                        && w.offset() <= newest.lastOffset())
            .mapToLong(Written::timestampMs)
            .max()
            .orElseThrow());
  }

  static void assertPrinted(List<String> expected, InteropProcess.Result python) {
    assertEquals(expected.size(), python.stdout().size(), python::describe);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), python.stdout().get(i), "line " + i + " of Python's output");
    }
  }

  /** A record line: topic, partition, offset, timestamp, key and value in hex, headers. */
  static String record(String topic, Written w) {
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
  private static String string(String text) {
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

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
