package dev.onelog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A record to append. Key and value are bytes and may be null (a null value is a tombstone for key
 * compaction). Headers are ordered name/value pairs and may repeat a name.
 *
 * <p>{@code partition} and {@code timestampMs} are optional (null): without a partition, a keyed
 * record goes where Kafka's default partitioner puts it (murmur2 of the key modulo the partition
 * count) and an unkeyed one is spread over the partitions; without a timestamp, the log's clock
 * stamps it when it is sent. Arrays are not copied: do not change them after {@code send}.
 */
public record ProducerRecord(
    String topic,
    Integer partition,
    Long timestampMs,
    byte[] key,
    byte[] value,
    List<Header> headers) {

  public ProducerRecord {
    Objects.requireNonNull(topic, "topic");
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("partition < 0: " + partition);
    }
    if (timestampMs != null && timestampMs < 0) {
      throw new IllegalArgumentException("timestampMs < 0: " + timestampMs);
    }
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  public static ProducerRecord of(String topic, byte[] value) {
    return new ProducerRecord(topic, null, null, null, value, List.of());
  }

  public static ProducerRecord of(String topic, byte[] key, byte[] value) {
    return new ProducerRecord(topic, null, null, key, value, List.of());
  }

  /** A record whose key and value are the UTF-8 bytes of the given strings (either may be null). */
  public static ProducerRecord of(String topic, String key, String value) {
    return of(topic, utf8(key), utf8(value));
  }

  public ProducerRecord withPartition(int newPartition) {
    return new ProducerRecord(topic, newPartition, timestampMs, key, value, headers);
  }

  public ProducerRecord withTimestamp(Instant timestamp) {
    return new ProducerRecord(topic, partition, timestamp.toEpochMilli(), key, value, headers);
  }

  public ProducerRecord withTimestampMs(long newTimestampMs) {
    return new ProducerRecord(topic, partition, newTimestampMs, key, value, headers);
  }

  /** This record with one more header after the ones it has. */
  public ProducerRecord withHeader(String name, byte[] headerValue) {
    List<Header> more = new ArrayList<>(headers);
    more.add(new Header(name, headerValue));
    return new ProducerRecord(topic, partition, timestampMs, key, value, more);
  }

  public ProducerRecord withHeader(String name, String headerValue) {
    return withHeader(name, utf8(headerValue));
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
