package dev.onelog.internal.kafka;

import dev.onelog.Header;
import dev.onelog.ProducerRecord;
import dev.onelog.RecordView;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Kafka record batches to onelog records and back. A produced batch is checked (magic 2, CRC),
 * decompressed with kafka-clients' codecs and stored record by record, keys, values, headers
 * (repeated names and null values included) and timestamps as they came; a fetch encodes stored
 * records as uncompressed batches with their own offsets, gaps left by compaction included.
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

  /**
   * Encodes the stored records a scan visits, in offset order, as one uncompressed batch, straight
   * from the views of the stored batches: no record is copied on the way.
   */
  static final class BatchWriter implements Consumer<RecordView> {
    private static final org.apache.kafka.common.header.Header[] NO_HEADERS =
        new org.apache.kafka.common.header.Header[0];

    private final int initialBytes;
    private MemoryRecordsBuilder builder;

    /** {@code expectedBytes}: about how large the batch will be, to size its buffer once. */
    BatchWriter(long expectedBytes) {
      this.initialBytes = (int) Math.max(256, Math.min(expectedBytes, 64L << 20));
    }

    @Override
    public void accept(RecordView record) {
      if (builder == null) {
        builder =
            MemoryRecords.builder(
                ByteBuffer.allocate(initialBytes),
                Compression.NONE,
                TimestampType.CREATE_TIME,
                record.offset());
      }
      builder.appendWithOffset(
          record.offset(), record.timestampMs(), record.key(), record.value(), kafka(record));
    }

    /** The batch, or empty records when the scan visited none. */
    MemoryRecords build() {
      return builder == null ? MemoryRecords.EMPTY : builder.build();
    }

    private static org.apache.kafka.common.header.Header[] kafka(RecordView record) {
      List<Header> headers = record.headers();
      if (headers.isEmpty()) {
        return NO_HEADERS;
      }
      org.apache.kafka.common.header.Header[] out =
          new org.apache.kafka.common.header.Header[headers.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = new RecordHeader(headers.get(i).name(), headers.get(i).value());
      }
      return out;
    }
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
