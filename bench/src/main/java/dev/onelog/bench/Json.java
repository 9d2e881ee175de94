package dev.onelog.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Flat JSON objects of numbers and strings: all the benchmark exchanges and prints. */
public final class Json {
  private Json() {}

  public static String write(Map<String, ?> fields) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, ?> field : fields.entrySet()) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(quote(field.getKey())).append(':');
      Object value = field.getValue();
      if (value instanceof Double d) {
        out.append(
            d.isNaN() || d.isInfinite() ? "null" : String.format(java.util.Locale.ROOT, "%.3f", d));
      } else if (value instanceof Number || value instanceof Boolean) {
        out.append(value);
      } else if (value == null) {
        out.append("null");
      } else {
        out.append(quote(value.toString()));
      }
    }
    return out.append('}').toString();
  }

  /** Parses what {@link #write} writes: numbers become Double, the rest String. */
  public static Map<String, Object> parse(String json) {
    Map<String, Object> fields = new LinkedHashMap<>();
    int i = json.indexOf('{') + 1;
    while (true) {
      i = skipSpace(json, i);
      if (json.charAt(i) == '}') {
        return fields;
      }
      int keyEnd = json.indexOf('"', i + 1);
      String key = json.substring(i + 1, keyEnd);
      i = skipSpace(json, json.indexOf(':', keyEnd) + 1);
      Object value;
      if (json.charAt(i) == '"') {
        int end = i + 1;
        StringBuilder s = new StringBuilder();
        while (json.charAt(end) != '"') {
          if (json.charAt(end) == '\\') {
            end++;
          }
          s.append(json.charAt(end++));
        }
        value = s.toString();
        i = end + 1;
      } else {
        int end = i;
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0) {
          end++;
        }
        String token = json.substring(i, end).trim();
        value =
            token.equals("null")
                ? null
                : token.equals("true") || token.equals("false") ? token : Double.valueOf(token);
        i = end;
      }
      fields.put(key, value);
      i = skipSpace(json, i);
      if (json.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static int skipSpace(String s, int i) {
    while (Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
