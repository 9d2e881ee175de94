package dev.onelog.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.onelog.eventstore.EventData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a line of {@code events append --format json} input into an event: the object {@code events
 * read --format json} prints, so {@code events read A --format json | events append B --format
 * json} copies stream A's events into B (with new ids: an id names one event in the store). A line
 * that does not fit is refused with its number, the field, what was wrong and what would be right.
 * Thread-safe: it keeps no state between lines.
 *
 * <pre>
 * field                              on input
 * stream, version, position, id,    ignored: they say where the event was stored, and the
 * timestamp                         append gives new ones
 * type                              a string; left out: --type
 * data                              a string; required
 * metadata                          a string; left out: empty
 * dataEncoding, metadataEncoding    "base64": the string beside it is base64 (see JsonBytes)
 * tags                              a list of strings; left out: none
 * </pre>
 *
 * Any other field is an error, as in {@link JsonRecordReader}: a misspelt "metdata" would otherwise
 * be dropped unseen.
 */
final class JsonEventReader {
  private static final List<String> FIELDS =
      List.of(
          "stream",
          "version",
          "position",
          "id",
          "timestamp",
          "type",
          "data",
          "dataEncoding",
          "metadata",
          "metadataEncoding",
          "tags");
  private static final String ONE_OBJECT_A_LINE =
      "write one JSON object a line, as 'onelog events read --format json' prints";

  private final JsonMapper mapper =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private final String defaultType;

  /**
   * @param defaultType the type of a line without one; null when there is none
   */
  JsonEventReader(String defaultType) {
    this.defaultType = defaultType;
  }

  /**
   * The event on line {@code lineNumber}, whose bytes are {@code bytes[from .. to)}.
   *
   * @throws CliException when the line is not an event's object
   */
  EventData read(byte[] bytes, int from, int to, long lineNumber) {
    JsonNode object = parse(bytes, from, to, lineNumber);
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!FIELDS.contains(field.getKey())) {
        throw bad(
            lineNumber,
            "has an unknown field \""
                + field.getKey()
                + "\"; the fields of an event are "
                + String.join(", ", FIELDS));
      }
    }
    String type = type(object.get("type"), lineNumber);
    if (!object.has("data")) {
      throw bad(lineNumber, "has no \"data\"; give every event one, a string (\"\" for none)");
    }
    byte[] data = bytes(object, "data", lineNumber);
    byte[] metadata = object.has("metadata") ? bytes(object, "metadata", lineNumber) : new byte[0];
    Set<String> tags = tags(object.get("tags"), lineNumber);
    try {
      return new EventData(EventData.newId(), type, data, metadata, tags);
    } catch (IllegalArgumentException e) {
      throw bad(lineNumber, "is not a valid event: " + e.getMessage());
    }
  }

  private String type(JsonNode node, long lineNumber) {
    if (node == null || node.isNull()) {
      if (defaultType == null) {
        throw bad(
            lineNumber,
            "has no \"type\"; give each line one, or give every line's type with --type TYPE");
      }
      return defaultType;
    }
    if (!node.isTextual()) {
      throw bad(lineNumber, "has a \"type\" that is not a string; write \"type\":\"Deposited\"");
    }
    return node.textValue();
  }

  private static byte[] bytes(JsonNode object, String field, long lineNumber) {
    JsonNode node = object.get(field);
    if (node == null || !node.isTextual()) {
      throw bad(
          lineNumber,
          "has a \""
              + field
              + "\" that is not a string; write its text, or its base64 with \""
              + JsonBytes.markerName(field)
              + "\":\"base64\"");
    }
    JsonNode marker = object.get(JsonBytes.markerName(field));
    if (marker == null || marker.isNull()) {
      return node.textValue().getBytes(StandardCharsets.UTF_8);
    }
    if (!JsonBytes.BASE64.equals(marker.asText())) {
      throw bad(
          lineNumber,
          "has \""
              + JsonBytes.markerName(field)
              + "\":"
              + marker
              + "; the one encoding is \"base64\", or leave the field out for text");
    }
    try {
      return Base64.getDecoder().decode(node.textValue());
    } catch (IllegalArgumentException e) {
      throw bad(
          lineNumber,
          "has a \""
              + field
              + "\" that is not base64 ("
              + e.getMessage()
              + "), as its \""
              + JsonBytes.markerName(field)
              + "\" says it is");
    }
  }

  private static Set<String> tags(JsonNode node, long lineNumber) {
    if (node == null || node.isNull()) {
      return Set.of();
    }
    List<String> tags = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode tag : node) {
        if (!tag.isTextual()) {
          tags = null;
          break;
        }
        tags.add(tag.textValue());
      }
    }
    if (!node.isArray() || tags == null) {
      throw bad(lineNumber, "has \"tags\" that are not a list of strings; write [\"a\",\"b\"]");
    }
    return Set.copyOf(tags);
  }

  private JsonNode parse(byte[] bytes, int from, int to, long lineNumber) {
    JsonNode node;
    try (JsonParser parser = mapper.createParser(bytes, from, to - from)) {
      node = mapper.readTree(parser);
      if (node != null && !node.isMissingNode() && parser.nextToken() != null) {
        throw bad(lineNumber, "goes on after its object; " + ONE_OBJECT_A_LINE);
      }
    } catch (JsonProcessingException e) {
      throw bad(
          lineNumber,
          "cannot be parsed as JSON: "
              + e.getOriginalMessage().replace('\n', ' ')
              + "; "
              + ONE_OBJECT_A_LINE);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from an array in memory
    }
    if (node == null || node.isMissingNode() || !node.isObject()) {
      throw bad(lineNumber, "is not a JSON object; " + ONE_OBJECT_A_LINE);
    }
    return node;
  }

  private static CliException bad(long lineNumber, String what) {
    return new CliException("line " + lineNumber + " " + what + " (nothing was appended)");
  }
}
