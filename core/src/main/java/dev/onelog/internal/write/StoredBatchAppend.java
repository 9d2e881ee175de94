package dev.onelog.internal.write;

import dev.onelog.InvalidRecordException;
import dev.onelog.RecordTooLargeException;
import dev.onelog.TopicPartition;
import dev.onelog.UnknownTopicException;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.eventstore.EventTables;
import dev.onelog.internal.storage.BatchCursor;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.nio.ByteBuffer;
import java.sql.SQLException;

/**
 * Appends a Kafka record batch as it came (a producer's, through the Kafka server): checked on the
 * caller's thread ({@link #check}), then stored as one row on the writer's ({@link #append}), its
 * base offset set to the partition's next offset. The batch's own CRC does not cover the base
 * offset, so nothing else in it changes. Stateless.
 */
public final class StoredBatchAppend {
  private StoredBatchAppend() {}

  /** What {@link #check} learnt from a batch. */
  public record Checked(
      TopicMeta topic,
      int partition,
      byte[] batch,
      int count,
      long maxTimestampMs,
      long sizeBytes,
      boolean allKeyed) {}

  /**
   * {@link #check} of a copy of {@code batch} (the caller keeps its own), for the partition of
   * {@code context}'s log, with the log's maximum record size.
   */
  public static Checked check(LogContext context, TopicPartition partition, byte[] batch) {
    return check(
        context.topic(partition.topic()),
        partition.partition(),
        batch.clone(),
        context.options().maxRecordSizeBytes());
  }

  /**
   * Checks a batch for the topic's partition: a Kafka record batch of magic 2 as docs/FORMAT.md
   * section 3 describes it, uncompressed, not transactional, its CRC right, offsets contiguous from
   * its base, timestamps not negative, no record over {@code maxRecordSizeBytes}, and keys on every
   * record of a compacted topic.
   *
   * @throws InvalidRecordException saying what is wrong
   * @throws RecordTooLargeException when a record is over the limit
   */
  public static Checked check(
      TopicMeta topic, int partition, byte[] batch, int maxRecordSizeBytes) {
    String where = topic.name() + "-" + partition;
    if (topic.name().equals(EventTables.TOPIC)) {
      throw new InvalidRecordException(
          "topic '"
              + topic.name()
              + "' holds the event store's events; append events with log.eventStore()",
          topic.name());
    }
    TopicCatalog.requirePartition(topic, partition);
    if (batch.length < RecordBatch.HEADER_BYTES || !RecordBatch.kafkaCrcMatches(batch)) {
      throw invalid(where, "its CRC32C does not match its bytes (or it is cut off)", topic);
    }
    BatchCursor records;
    long sizeBytes = 0;
    long maxTimestampMs = Long.MIN_VALUE;
    int count = 0;
    long last = -1;
    boolean allKeyed = true;
    try {
      records = new BatchCursor(ByteBuffer.wrap(batch).getLong(0), batch);
      long base = ByteBuffer.wrap(batch).getLong(0);
      while (records.next()) {
        count++;
        last = records.offset() - base;
        if (records.timestampMs() < 0) {
          throw invalid(where, "a record's timestamp is " + records.timestampMs(), topic);
        }
        if (!records.hasKey()) {
          if (topic.compacted()) {
            throw RecordEncoder.keyRequired(topic.name(), partition);
          }
          allKeyed = false;
        }
        int size = records.sizeInBytes();
        if (size > maxRecordSizeBytes) {
          throw new RecordTooLargeException(
              "a record for "
                  + where
                  + " is "
                  + size
                  + " bytes (key, value and headers); the log's maximum record size is "
                  + maxRecordSizeBytes
                  + " bytes",
              size,
              maxRecordSizeBytes);
        }
        sizeBytes += size;
        maxTimestampMs = Math.max(maxTimestampMs, records.timestampMs());
      }
    } catch (IllegalArgumentException e) {
      throw invalid(where, e.getMessage(), topic);
    }
    if (last != count - 1) {
      throw invalid(where, "its offsets are not contiguous from its base offset", topic);
    }
    return new Checked(topic, partition, batch, count, maxTimestampMs, sizeBytes, allKeyed);
  }

  private static InvalidRecordException invalid(String where, String why, TopicMeta topic) {
    return new InvalidRecordException(
        "the record batch for " + where + " cannot be stored as it is: " + why, topic.name());
  }

  /**
   * Inside a write step: stores the checked batch at the partition's next offset; returns that
   * offset. The batch's bytes are changed in place (base offset, partition leader epoch 0).
   *
   * @throws UnknownTopicException when the topic was deleted meanwhile
   */
  public static long append(StepContext tx, Checked batch) throws SQLException {
    PartitionRow row = PartitionRow.find(tx.statements(), batch.topic().id(), batch.partition());
    if (row == null) {
      throw new UnknownTopicException(
          "topic '"
              + batch.topic().name()
              + "' was deleted before its records were committed; create it again and resend");
    }
    long base = row.nextOffset();
    if (row.compacted() && !batch.allKeyed()) { // the topic became compacted meanwhile
      throw RecordEncoder.keyRequired(batch.topic().name(), batch.partition());
    }
    ByteBuffer.wrap(batch.batch()).putLong(0, base).putInt(12, 0);
    RecordBatch.insert(
        tx.statements().get(RecordBatch.insertSql(batch.topic().logTable(batch.partition()))),
        base,
        base + batch.count() - 1,
        batch.count(),
        batch.maxTimestampMs(),
        batch.batch());
    PartitionRow.appended(
        tx.statements(),
        batch.topic().id(),
        batch.partition(),
        base + batch.count(),
        batch.count(),
        batch.sizeBytes());
    return base;
  }
}
