package dev.onelog.internal.kafka;

import dev.onelog.Header;
import dev.onelog.ProducerRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Kafka record batches the file cannot store as they came (compressed, or with log-append time) to
 * onelog records: checked (magic 2, CRC), decompressed with kafka-clients' codecs and stored record
 * by record, keys, values, headers (repeated names and null values included) and timestamps as they
 * came. Plain batches are stored as they are ({@link dev.onelog.StoredBatches}).
 */
final class KafkaRecords {
  private KafkaRecords() {}

  /**
   * What the batches of one request may decompress to: keys, values and headers, counted as they
   * are read, so that a small compressed batch cannot make the server hold gigabytes (a
   * decompression bomb). Not thread-safe: one per request.
   */
  static final class Budget {
    private final long maxBytes;
    private long used;

    Budget(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    void take(long bytes) {
      used += bytes;
      if (used > maxBytes) {
        throw new org.apache.kafka.common.errors.RecordTooLargeException(
            "the batches of this request decompress to more than "
                + maxBytes
                + " bytes of keys, values and headers; send smaller requests"
                + " (the server's --max-request-bytes)");
      }
    }
  }

  /** The records of one batch as onelog records of {@code topic}'s {@code partition}. */
  static List<ProducerRecord> fromBatch(
      MutableRecordBatch batch, String topic, int partition, Budget budget) {
    if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
      throw new org.apache.kafka.common.errors.UnsupportedForMessageFormatException(
          "record batches of magic " + batch.magic() + "; the server takes magic 2 (Kafka 0.11+)");
    }
    batch.ensureValid();
    List<ProducerRecord> records = new ArrayList<>();
    boolean appendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
    try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
      while (it.hasNext()) {
        Record record = it.next();
        budget.take(record.sizeInBytes());
        long timestamp = record.timestamp();
        records.add(
            new ProducerRecord(
                topic,
                partition,
                appendTime || timestamp < 0 ? null : timestamp,
                record.hasKey() ? bytes(record.key()) : null,
                record.hasValue() ? bytes(record.value()) : null,
                headers(record.headers())));
      }
    }
    return records;
  }

  private static List<Header> headers(org.apache.kafka.common.header.Header[] headers) {
    List<Header> out = new ArrayList<>(headers.length);
    for (org.apache.kafka.common.header.Header header : headers) {
      out.add(Header.of(header.key(), header.value()));
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
