package dev.onelog.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.onelog.Header;
import dev.onelog.ProducerRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns a line of {@code produce --format json} input into a record. A line is the object that
 * {@code consume --format json} prints for a record, so {@code consume A --format json | produce B
 * --format json} copies topic A into B with keys, values, headers and timestamps as they were,
 * nulls and binary included. Jackson parses; this class checks the shape, and for a line that does
 * not fit it says which line, which field, what was wrong and what would be right. Thread-safe: it
 * keeps no state between lines.
 *
 * <pre>
 * field           on input
 * topic, offset   ignored: they say where the record was, not what it is
 * partition       ignored, so the target topic's partitioner decides; with keepPartition, the
 *                 partition to append to (a number from 0), or null to let the partitioner decide
 * timestamp       milliseconds since the epoch, from 0; null or left out: stamped when stored
 * key             a string, or null for no key; left out: null
 * value           a string, or null for a tombstone; required, so that a misspelt "vaule" is
 *                 an error rather than a tombstone
 * headers         a list of {"name":"...","value":"..."} objects, kept in order, names may
 *                 repeat; a header's value is a string or null, and required; left out or
 *                 null: no headers
 * keyEncoding,    "base64": the string beside it is the base64 of bytes that are not UTF-8
 * valueEncoding   text (see JsonBytes); left out or null: the string is text, stored as UTF-8
 * </pre>
 *
 * <p>Any other field is an error, and so is a field given twice: a misspelt "hedaers" would
 * otherwise drop the headers unseen. The price is that a line with a field added by a later version
 * of {@code consume} is refused until {@code produce} learns it.
 */
final class JsonRecordReader {
  private static final List<String> RECORD_FIELDS =
      List.of(
          "topic",
          "partition",
          "offset",
          "timestamp",
          "key",
          "keyEncoding",
          "value",
          "valueEncoding",
          "headers");
  private static final List<String> HEADER_FIELDS = List.of("name", "value", "valueEncoding");
  private static final String ONE_OBJECT_A_LINE =
      "write one JSON object a line, as 'onelog consume --format json' prints";
  private static final int MAX_QUOTED_CHARS = 40;

  private final JsonMapper mapper =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private final String topic;
  private final boolean keepPartition;

  private JsonRecordReader(String topic, boolean keepPartition) {
    this.topic = topic;
    this.keepPartition = keepPartition;
  }

  /** Reads records for {@code topic}, ignoring the partition each line names. */
  static JsonRecordReader forTopic(String topic) {
    return new JsonRecordReader(topic, false);
  }

  /** This reader, but each record goes to the partition its line names. */
  JsonRecordReader keepingPartitions() {
    return new JsonRecordReader(topic, true);
  }

  /**
   * The record on line {@code lineNumber}, whose bytes are {@code bytes[from .. to)} without the
   * line's end.
   *
   * @throws BadRecordException when the line is not JSON or not a record's object
   */
  ProducerRecord read(byte[] bytes, int from, int to, long lineNumber) {
    JsonNode object = parse(bytes, from, to, lineNumber);
    checkFields(object, "", RECORD_FIELDS, lineNumber);
    if (!object.has("value")) {
      throw new BadRecordException(
          lineNumber,
          "value",
          "line "
              + lineNumber
              + " has no \"value\"; give every record one: a string, or null for a tombstone");
    }
    Integer partition = keepPartition ? partition(object.get("partition"), lineNumber) : null;
    Long timestampMs = timestampMs(object.get("timestamp"), lineNumber);
    byte[] key = bytes(object, "", "key", "null for no key", lineNumber);
    byte[] value = bytes(object, "", "value", "null for a tombstone", lineNumber);
    List<Header> headers = headers(object.get("headers"), lineNumber);
    return new ProducerRecord(topic, partition, timestampMs, key, value, headers);
  }

  private JsonNode parse(byte[] bytes, int from, int to, long lineNumber) {
    JsonNode node;
    try (JsonParser parser = mapper.createParser(bytes, from, to - from)) {
      node = mapper.readTree(parser);
      if (node != null && !node.isMissingNode() && parser.nextToken() != null) {
        throw new BadRecordException(
            lineNumber,
            null,
            "line "
                + lineNumber
                + " goes on after its object, at column "
                + parser.currentTokenLocation().getColumnNr()
                + "; "
                + ONE_OBJECT_A_LINE);
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new BadRecordException(
          lineNumber,
          null,
          "line "
              + lineNumber
              + " cannot be parsed as JSON: "
              + e.getOriginalMessage().replace('\n', ' ')
              + (at == null ? "" : " (column " + at.getColumnNr() + ")")
              + "; "
              + ONE_OBJECT_A_LINE);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from an array in memory
    }
    if (node == null || node.isMissingNode()) {
      throw new BadRecordException(
          lineNumber, null, "line " + lineNumber + " is empty; " + ONE_OBJECT_A_LINE);
    }
    if (!node.isObject()) {
      throw new BadRecordException(
          lineNumber,
          null,
          "line " + lineNumber + " is " + describe(node) + ", not an object; " + ONE_OBJECT_A_LINE);
    }
    return node;
  }

  private static void checkFields(
      JsonNode object, String path, List<String> known, long lineNumber) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!known.contains(field.getKey())) {
        throw new BadRecordException(
            lineNumber,
            path + field.getKey(),
            "line "
                + lineNumber
                + " has an unknown field \""
                + path
                + field.getKey()
                + "\"; the fields"
                + (path.isEmpty() ? " of a record" : " of a header")
                + " are "
                + String.join(", ", known));
      }
    }
  }

  private static Integer partition(JsonNode node, long lineNumber) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
      throw wrongType(
          lineNumber,
          "partition",
          node,
          "a partition number",
          "write a number from 0, or null to let the topic's partitioner decide");
    }
    return node.intValue();
  }

  private static Long timestampMs(JsonNode node, long lineNumber) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      throw wrongType(
          lineNumber,
          "timestamp",
          node,
          "a whole number from 0 to " + Long.MAX_VALUE,
          "write milliseconds since the epoch, or null to stamp the record when it is stored");
    }
    return node.longValue();
  }

  private static List<Header> headers(JsonNode node, long lineNumber) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw wrongType(
          lineNumber,
          "headers",
          node,
          "a list",
          "write a list of {\"name\":\"...\",\"value\":\"...\"} objects, or []");
    }
    List<Header> headers = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode header = node.get(i);
      String path = "headers[" + i + "]";
      if (!header.isObject()) {
        throw wrongType(
            lineNumber,
            path,
            header,
            "an object",
            "write {\"name\":\"...\",\"value\":\"...\"}, with null for no value");
      }
      checkFields(header, path + ".", HEADER_FIELDS, lineNumber);
      JsonNode name = header.get("name");
      if (name == null || !header.has("value")) {
        String missing = path + (name == null ? ".name" : ".value");
        throw new BadRecordException(
            lineNumber,
            missing,
            "line "
                + lineNumber
                + " has no \""
                + missing
                + "\"; give every header a name (a string) and a value (a string, or null)");
      }
      if (!name.isTextual()) {
        throw wrongType(lineNumber, path + ".name", name, "a string", "write the header's name");
      }
      headers.add(
          Header.of(name.textValue(), bytes(header, path + ".", "value", "null", lineNumber)));
    }
    return headers;
  }

  /**
   * The bytes of {@code owner}'s string {@code field}: its UTF-8 text, or its base64 decoded when
   * the marker beside it says so; see {@link JsonBytes}.
   */
  private static byte[] bytes(
      JsonNode owner, String path, String field, String whatNullMeans, long lineNumber) {
    JsonNode node = owner.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    String name = path + field;
    String marker = path + JsonBytes.markerName(field);
    String forms =
        "write text, base64 with \"" + marker + "\":\"base64\" for bytes, or " + whatNullMeans;
    if (!node.isTextual()) {
      throw wrongType(lineNumber, name, node, "a string or null", forms);
    }
    String text = node.textValue();
    JsonNode encoding = owner.get(JsonBytes.markerName(field));
    if (encoding == null || encoding.isNull()) {
      return utf8(text, name, marker, lineNumber);
    }
    if (!JsonBytes.BASE64.equals(encoding.textValue())) {
      throw wrongType(
          lineNumber,
          marker,
          encoding,
          "\"" + JsonBytes.BASE64 + "\", the one encoding there is",
          "write \"" + JsonBytes.BASE64 + "\", or leave it out when \"" + name + "\" is text");
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new BadRecordException(
          lineNumber,
          name,
          "line "
              + lineNumber
              + ": \""
              + name
              + "\" is not base64 ("
              + e.getMessage()
              + ") but \""
              + marker
              + "\" says it is; write base64 in the standard alphabet (A-Z a-z 0-9 + / and ="
              + " padding), or leave \""
              + marker
              + "\" out for text");
    }
  }

  /**
   * The text's UTF-8 bytes. A lone surrogate ({@code "\ud800"}) has none; rather than store {@code
   * ?} in its place, as {@code getBytes} would, it is an error.
   */
  private static byte[] utf8(String text, String name, String marker, long lineNumber) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new BadRecordException(
            lineNumber,
            name,
            String.format(
                "line %d: \"%s\" holds the lone surrogate \\u%04x, which has no UTF-8 bytes;"
                    + " write bytes that are not UTF-8 text as base64, with \"%s\":\"base64\"",
                lineNumber, name, (int) c, marker));
      }
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static BadRecordException wrongType(
      long lineNumber, String field, JsonNode node, String expected, String fix) {
    return new BadRecordException(
        lineNumber,
        field,
        "line "
            + lineNumber
            + ": \""
            + field
            + "\" is "
            + describe(node)
            + ", not "
            + expected
            + "; "
            + fix);
  }

  /** A JSON value as a message names it: {@code the string "x"}, {@code a list [1,2]}. */
  private static String describe(JsonNode node) {
    String json = node.toString();
    if (json.length() > MAX_QUOTED_CHARS) {
      json = json.substring(0, MAX_QUOTED_CHARS - 3) + "...";
    }
    return switch (node.getNodeType()) {
      case STRING -> "the string " + json;
      case NUMBER -> "the number " + json;
      case ARRAY -> "a list " + json;
      case OBJECT -> "an object " + json;
      default -> json; // null, true, false
    };
  }

  /**
   * A line that is not a record: its number, the field that was wrong ({@code "timestamp"}, {@code
   * "headers[1].value"}; null when the line as a whole was), and a message that says what was wrong
   * and what would be right.
   */
  static final class BadRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long lineNumber;
    private final String field;

    BadRecordException(long lineNumber, String field, String message) {
      super(message);
      this.lineNumber = lineNumber;
      this.field = field;
    }

    long lineNumber() {
      return lineNumber;
    }

    /** The field that was wrong, or null when the line as a whole was. */
    String field() {
      return field;
    }
  }
}
