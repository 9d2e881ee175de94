package dev.onelog.internal.kafka;

import dev.onelog.Header;
import dev.onelog.ProducerRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
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
 *
 * <p>A compressed batch is decompressed here, into at most what the request's {@link Budget} has
 * left, and its records are then read from those bytes. kafka-clients' own iterator over a
 * compressed batch allocates each record's buffer from the record's length varint before reading
 * it, so a batch of a few bytes could make the server allocate 2 GiB (found by
 * KafkaRecordsFuzzTest); reading from bytes in hand checks each length against them.
 */
final class KafkaRecords {
  /** Where a batch's length and attributes are (DefaultRecordBatch keeps these offsets private). */
  private static final int LENGTH_OFFSET = 8;

  private static final int ATTRIBUTES_OFFSET = 21;

  /** The bytes before a batch's length field counts: base offset and length. */
  private static final int LOG_OVERHEAD = 12;

  /** The attributes' bits naming the codec; 0 is uncompressed. */
  private static final int COMPRESSION_CODEC_MASK = 0x07;

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

  /**
   * The batches of one partition's records in a produce request.
   *
   * @throws CorruptRecordException when a batch's length field is near 2^31, where kafka-clients'
   *     iterator overflows and throws IllegalArgumentException (found by KafkaRecordsFuzzTest)
   */
  static List<MutableRecordBatch> batches(MemoryRecords records) {
    List<MutableRecordBatch> batches = new ArrayList<>();
    try {
      records.batches().forEach(batches::add);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException(
          "a batch's length does not fit the request: " + e.getMessage(), e);
    }
    return batches;
  }

  /** The records of one batch as onelog records of {@code topic}'s {@code partition}. */
  static List<ProducerRecord> fromBatch(
      MutableRecordBatch batch, String topic, int partition, Budget budget) {
    if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
      throw new org.apache.kafka.common.errors.UnsupportedForMessageFormatException(
          "record batches of magic " + batch.magic() + "; the server takes magic 2 (Kafka 0.11+)");
    }
    batch.ensureValid();
    boolean compressed = compressionType(batch) != CompressionType.NONE;
    MutableRecordBatch plain = compressed ? decompressed(batch, budget) : batch;
    List<ProducerRecord> records = new ArrayList<>();
    boolean appendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
    try (CloseableIterator<Record> it = plain.streamingIterator(BufferSupplier.NO_CACHING)) {
      while (it.hasNext()) {
        Record record = it.next();
        if (!compressed) { // a compressed batch's records were counted as they were decompressed
          budget.take(record.sizeInBytes());
        }
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
    } catch (IllegalArgumentException e) {
      // kafka-clients' varint reader says a varint is too long with this exception
      throw new org.apache.kafka.common.InvalidRecordException(
          "a record of the batch is malformed: " + e.getMessage(), e);
    }
    return records;
  }

  /**
   * The batch's codec.
   *
   * @throws CorruptRecordException when its attributes name none (ids 5 to 7), where kafka-clients
   *     throws IllegalArgumentException (found by KafkaRecordsFuzzTest)
   */
  static CompressionType compressionType(RecordBatch batch) {
    try {
      return batch.compressionType();
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException(
          "the batch's attributes name no compression type: " + e.getMessage(), e);
    }
  }

  /**
   * The batch with its records decompressed: the same header, its attributes saying uncompressed
   * (the CRC is not set again: the batch was checked, and this copy is only read). The decompressed
   * bytes are taken from {@code budget} as they are read.
   *
   * @throws CorruptRecordException when the codec cannot decompress the records
   * @throws org.apache.kafka.common.errors.RecordTooLargeException when they decompress to more
   *     than the budget has left
   */
  private static MutableRecordBatch decompressed(MutableRecordBatch batch, Budget budget) {
    ByteBuffer whole = ByteBuffer.allocate(batch.sizeInBytes());
    batch.writeTo(whole);
    ByteBuffer compressedRecords =
        whole.flip().position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD).slice();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(whole.array(), 0, DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
    if (batch.compressionType() == CompressionType.SNAPPY) {
      out.writeBytes(SnappyFrames.decompress(compressedRecords, budget));
      return uncompressed(out.toByteArray());
    }
    byte[] chunk = new byte[8192];
    try (InputStream in =
        Compression.of(batch.compressionType())
            .build()
            .wrapForInput(
                compressedRecords, RecordBatch.MAGIC_VALUE_V2, BufferSupplier.NO_CACHING)) {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        budget.take(n);
        out.write(chunk, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof org.apache.kafka.common.errors.RecordTooLargeException tooLarge) {
        throw tooLarge;
      }
      // The codecs' libraries throw their own unchecked exceptions for damaged input, too.
      throw new CorruptRecordException(
          "the records of a "
              + batch.compressionType().name
              + " batch cannot be decompressed: "
              + e,
          e);
    }
    return uncompressed(out.toByteArray());
  }

  /** The batch whose header and decompressed records are {@code bytes}, marked uncompressed. */
  private static MutableRecordBatch uncompressed(byte[] bytes) {
    ByteBuffer plain = ByteBuffer.wrap(bytes);
    plain
        .putInt(LENGTH_OFFSET, plain.capacity() - LOG_OVERHEAD)
        .putShort(
            ATTRIBUTES_OFFSET,
            (short) (plain.getShort(ATTRIBUTES_OFFSET) & ~COMPRESSION_CODEC_MASK));
    return MemoryRecords.readableRecords(plain).batches().iterator().next();
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
