package dev.onelog.internal.write;

import dev.onelog.InvalidRecordException;
import dev.onelog.ProducerRecord;
import dev.onelog.RecordTooLargeException;
import dev.onelog.internal.eventstore.EventTables;
import dev.onelog.internal.storage.RecordCodec;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.time.Clock;

/**
 * Turns a {@link ProducerRecord} into an {@link EncodedRecord} on the sending thread: chooses the
 * partition, stamps the time, encodes the headers, and checks the size, so the writer thread's time
 * per record goes to batching and SQLite. Thread-safe.
 */
public final class RecordEncoder {
  private final Partitioner partitioner = new Partitioner();
  private final Clock clock;
  private final int maxRecordSizeBytes;

  public RecordEncoder(Clock clock, int maxRecordSizeBytes) {
    this.clock = clock;
    this.maxRecordSizeBytes = maxRecordSizeBytes;
  }

  /**
   * @throws dev.onelog.UnknownPartitionException when the record names a partition the topic lacks
   * @throws RecordTooLargeException when key, value and headers together exceed the limit
   * @throws InvalidRecordException for the event store's topic, which takes only events
   */
  public EncodedRecord encode(ProducerRecord record, TopicMeta topic) {
    if (topic.name().equals(EventTables.TOPIC)) {
      throw new InvalidRecordException(
          "topic '"
              + topic.name()
              + "' holds the event store's events, each with rows in its index tables; a plain"
              + " record appended there would be an event with no version. Append events with"
              + " log.eventStore().append(...) or 'onelog events append'",
          topic.name());
    }
    byte[] headers = RecordCodec.encodeHeaders(record.headers());
    long size = RecordCodec.sizeInBytes(record.key(), record.value(), headers);
    int partition;
    if (record.partition() != null) {
      partition = record.partition();
      TopicCatalog.requirePartition(topic, partition);
    } else {
      partition =
          partitioner.partition(
              topic.name(),
              record.key(),
              topic.partitions(),
              (int) Math.min(size, maxRecordSizeBytes));
    }
    if (record.key() == null && topic.compacted()) {
      throw keyRequired(topic.name(), partition);
    }
    long timestampMs = record.timestampMs() != null ? record.timestampMs() : clock.millis();
    if (size > maxRecordSizeBytes) {
      throw new RecordTooLargeException(
          "record for "
              + topic.name()
              + "-"
              + partition
              + " is "
              + size
              + " bytes (key, value and headers);"
              + " the log's maximum record size is "
              + maxRecordSizeBytes
              + " bytes. Split the value, or open the log with a larger maxRecordSizeBytes",
          size,
          maxRecordSizeBytes);
    }
    return new EncodedRecord(
        topic.name(),
        topic.id(),
        partition,
        timestampMs,
        record.key(),
        record.value(),
        headers,
        (int) size);
  }

  /** A record without a key sent to a compacted topic, refused as Kafka refuses it. */
  public static InvalidRecordException keyRequired(String topic, int partition) {
    return new InvalidRecordException(
        "topic '"
            + topic
            + "' is compacted (it keeps the newest record of each key), so a record without a key"
            + " cannot be appended to "
            + topic
            + "-"
            + partition
            + "; give the record a key, or change the topic's cleanup policy to delete",
        topic);
  }
}
