package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onelog.FormatInteropIT.Batch;
import dev.onelog.FormatInteropIT.Written;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.PartitionOffset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What format_interop.py appends and prints, as {@link FormatInteropIT} expects it: its record
 * lines as Python's {@code json.dumps(..., separators=(",", ":"))} writes them, so that they can be
 * compared exactly; its group lines parsed into records, to compare with what Java's {@code
 * log.groups()} returns. Stateless.
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
    return appended(partition, baseOffset, count, timestampMs, "py-key", List.of(), value);
  }

  /**
   * The records {@code --count N --key KEY --more-keys K1,K2,... --value VALUE --timestamp-ms T}
   * appends: as {@link #appended(int, long, int, long, String)}, but with key KEY for record 0, and
   * for record i >= 1 the key {@code moreKeys.get((i - 1) % moreKeys.size())} (none when there are
   * no more keys).
   */
  static List<Written> appended(
      int partition,
      long baseOffset,
      int count,
      long timestampMs,
      String key,
      List<String> moreKeys,
      String value) {
    List<Written> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          new Written(
              partition,
              baseOffset + i,
              timestampMs + count - 1 - i,
              i == 0
                  ? utf8(key)
                  : moreKeys.isEmpty() ? null : utf8(moreKeys.get((i - 1) % moreKeys.size())),
              i == 0 ? utf8(value) : i % 2 == 0 ? null : utf8(value + " " + i),
              i == 0 ? APPENDED_HEADERS : List.of()));
    }
    return records;
  }

  /**
   * The line {@code latest} prints for a key: its partition, the key in hex, and the record as a
   * record line, or null when the key has none.
   */
  static String latestLine(String topic, int partition, byte[] key, Optional<LogRecord> latest) {
    return "{\"latest\":{\"topic\":"
        + string(topic)
        + ",\"partition\":"
        + partition
        + ",\"key\":"
        + hex(key)
        + ",\"record\":"
        + latest
            .map(
                r ->
                    record(
                        topic,
                        new Written(
                            r.partition(),
                            r.offset(),
                            r.timestampMs(),
                            r.key(),
                            r.value(),
                            r.headers())))
            .orElse("null")
        + "}}";
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

  // ---- Groups: the lines of "groups FILE" and "commit FILE GROUP ..." ----

  /** One {@code group_offset} line: a group's committed offset in a partition, and its lag. */
  record GroupOffset(
      String group,
      TopicPartition partition,
      long committedOffset,
      long logStartOffset,
      long nextOffset,
      long lag,
      String metadata) {
    /** What Python should print for a committed partition of Java's {@code describe}. */
    static GroupOffset of(String group, PartitionOffset offset) {
      assertTrue(offset.committedOffset() >= 0, () -> "a committed partition: " + offset);
      return new GroupOffset(
          group,
          offset.partition(),
          offset.committedOffset(),
          offset.earliestOffset(),
          offset.nextOffset(),
          offset.lag(),
          offset.metadata());
    }
  }

  /** One {@code group_member} line: a live member and the partitions it holds. */
  record GroupMember(String group, String memberId, String client, List<TopicPartition> owned) {
    static GroupMember of(String group, MemberDescription member) {
      return new GroupMember(group, member.memberId(), member.client(), member.owned());
    }
  }

  /** One {@code committed} line: an offset Python committed, and when. */
  record Committed(
      String group, TopicPartition partition, long offset, String metadata, long committedAtMs) {}

  /** The {@code group_offset} lines, in the order printed. */
  static List<GroupOffset> groupOffsets(InteropProcess.Result python) {
    List<GroupOffset> offsets = new ArrayList<>();
    for (Map<String, Object> o : lines(python, "group_offset")) {
      offsets.add(
          new GroupOffset(
              (String) o.get("group"),
              TopicPartition.of((String) o.get("topic"), integer(o, "partition")),
              (Long) o.get("committed_offset"),
              (Long) o.get("log_start_offset"),
              (Long) o.get("next_offset"),
              (Long) o.get("lag"),
              (String) o.get("metadata")));
    }
    return offsets;
  }

  /** The {@code group_member} lines, in the order printed. */
  static List<GroupMember> groupMembers(InteropProcess.Result python) {
    List<GroupMember> members = new ArrayList<>();
    for (Map<String, Object> m : lines(python, "group_member")) {
      List<TopicPartition> owned = new ArrayList<>();
      for (Object pair : (List<?>) m.get("owned")) {
        List<?> topicAndPartition = (List<?>) pair;
        owned.add(
            TopicPartition.of(
                (String) topicAndPartition.get(0),
                Math.toIntExact((Long) topicAndPartition.get(1))));
      }
      members.add(
          new GroupMember(
              (String) m.get("group"),
              (String) m.get("member"),
              (String) m.get("client"),
              List.copyOf(owned)));
    }
    return members;
  }

  /** The {@code committed} lines, in the order printed. */
  static List<Committed> committed(InteropProcess.Result python) {
    List<Committed> committed = new ArrayList<>();
    for (Map<String, Object> c : lines(python, "committed")) {
      committed.add(
          new Committed(
              (String) c.get("group"),
              TopicPartition.of((String) c.get("topic"), integer(c, "partition")),
              (Long) c.get("offset"),
              (String) c.get("metadata"),
              (Long) c.get("committed_at_ms")));
    }
    return committed;
  }

  /** The objects of the lines of one kind ({"kind":{...}}), in order; other lines are skipped. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> lines(InteropProcess.Result python, String kind) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (String line : python.stdout()) {
      Map<String, Object> outer = (Map<String, Object>) Json.parse(line);
      if (outer.size() != 1) {
        fail("a line of one key, {\"kind\":{...}}: " + line);
      }
      if (outer.containsKey(kind)) {
        objects.add((Map<String, Object>) outer.get(kind));
      }
    }
    return objects;
  }

  private static int integer(Map<String, Object> object, String key) {
    return Math.toIntExact((Long) object.get(key));
  }

  /**
   * Reads the JSON that Python's {@code json.dumps} writes: objects (in order), arrays, strings
   * (escapes included, {@code \\uXXXX} surrogate pairs as Java keeps them), integers and null; no
   * fractions, booleans or white space, which the script never prints.
   */
  private static final class Json {
    private final String text;
    private int at;

    private Json(String text) {
      this.text = text;
    }

    static Object parse(String text) {
      Json json = new Json(text);
      Object value = json.value();
      json.check(json.at == text.length(), "the end of the line");
      return value;
    }

    private Object value() {
      check(at < text.length(), "a value");
      char c = text.charAt(at);
      if (c == '{') {
        Map<String, Object> object = new LinkedHashMap<>();
        at++;
        while (!take('}')) {
          check(object.isEmpty() || take(','), "',' or '}'");
          String key = string();
          check(take(':'), "':'");
          object.put(key, value());
        }
        return object;
      }
      if (c == '[') {
        List<Object> array = new ArrayList<>();
        at++;
        while (!take(']')) {
          check(array.isEmpty() || take(','), "',' or ']'");
          array.add(value());
        }
        return array;
      }
      if (c == '"') {
        return string();
      }
      if (text.startsWith("null", at)) {
        at += 4;
        return null;
      }
      int start = at;
      if (c == '-') {
        at++;
      }
      while (at < text.length() && Character.isDigit(text.charAt(at))) {
        at++;
      }
      check(at > start, "a value");
      return Long.parseLong(text.substring(start, at));
    }

    private String string() {
      check(take('"'), "'\"'");
      StringBuilder s = new StringBuilder();
      while (true) {
        check(at < text.length(), "the end of a string");
        char c = text.charAt(at++);
        if (c == '"') {
          return s.toString();
        }
        if (c != '\\') {
          s.append(c);
          continue;
        }
        check(at < text.length(), "an escape");
        char e = text.charAt(at++);
        switch (e) {
          case 'n' -> s.append('\n');
          case 'r' -> s.append('\r');
          case 't' -> s.append('\t');
          case 'b' -> s.append('\b');
          case 'f' -> s.append('\f');
          case 'u' -> {
            check(at + 4 <= text.length(), "four hex digits");
            s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> s.append(e); // '"', '\\' and '/'
        }
      }
    }

    private boolean take(char c) {
      if (at < text.length() && text.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    private void check(boolean ok, String expected) {
      if (!ok) {
        fail(
            "Python printed a line that is not JSON: expected "
                + expected
                + " at "
                + at
                + ": "
                + text);
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
