package dev.onelog;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One record header, as in Kafka: a name and a value of bytes (which may be null). A record's
 * headers are ordered and may repeat a name. The value array is not copied: do not change it after
 * the record is sent.
 */
public record Header(String name, byte[] value) {
  public Header {
    Objects.requireNonNull(name, "name");
  }

  public static Header of(String name, byte[] value) {
    return new Header(name, value);
  }

  public static Header of(String name, String value) {
    return new Header(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** The value decoded as UTF-8, or null. */
  public String valueAsString() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header other
        && name.equals(other.name)
        && java.util.Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + java.util.Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return name + "=" + (value == null ? "null" : valueAsString());
  }
}
