package dev.onelog.internal.kafka;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Fuzzes {@link KafkaRecords#fromBatch}, which decodes a producer's batch that cannot be stored as
 * it came: compressed (gzip, snappy, lz4, zstd), or with log-append time. Contract on arbitrary
 * bytes: the records, or an {@link ApiException} (corrupt record, invalid record, record too large,
 * unsupported format: each one Kafka error code), never another exception; what the batch
 * decompresses to stays within the request's {@link KafkaRecords.Budget}, and the decoder allocates
 * in proportion to its input and that budget, not to a length field it read.
 *
 * <p>{@link #batchDecodedOrRefused} takes a whole batch; the test sets its length field and CRC so
 * that the fuzzer reaches the records. {@link #compressedBatchDecodedOrRefused} takes a codec (the
 * first byte: 0 gzip, 1 snappy, 2 lz4, 3 zstd), a record count (the second) and the records' bytes,
 * which the test compresses with that codec into a valid batch: the fuzzer works on what a
 * decompressor hands the record reader. Regression inputs: {@code
 * KafkaRecordsFuzzTestInputs/<method>/}.
 */
class KafkaRecordsFuzzTest {
  private static final long BUDGET_BYTES = 64 * 1024;
  private static final int HEADER_BYTES = 61;
  private static final CompressionType[] CODECS = {
    CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD
  };

  @FuzzTest(maxDuration = "3m")
  void batchDecodedOrRefused(byte[] input) {
    byte[] batch = input.clone();
    if (batch.length >= HEADER_BYTES) {
      ByteBuffer.wrap(batch).putInt(8, batch.length - 12).putInt(17, crc(batch));
    }
    Allocations.assertAtMost(bound(input), "decoding a batch", () -> decode(batch));
  }

  @FuzzTest(maxDuration = "3m")
  void compressedBatchDecodedOrRefused(byte[] input) {
    if (input.length < 2) {
      return;
    }
    CompressionType codec = CODECS[input[0] & 3];
    int count = input[1] & 0xff;
    byte[] batch = compressed(codec, count, Arrays.copyOfRange(input, 2, input.length));
    Allocations.assertAtMost(bound(batch), "decoding a " + codec + " batch", () -> decode(batch));
  }

  /** Bytes the decoder may allocate: buffers of the codecs (lz4 blocks up to 4 MiB), records. */
  private static long bound(byte[] batch) {
    return 16L * 1024 * 1024 + 64 * (batch.length + BUDGET_BYTES);
  }

  private static void decode(byte[] batch) {
    try {
      MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(batch));
      for (MutableRecordBatch b : KafkaRecords.batches(records)) {
        KafkaRecords.fromBatch(b, "t", 0, new KafkaRecords.Budget(BUDGET_BYTES));
      }
    } catch (ApiException expected) {
      // the documented refusals, each one Kafka error code (KafkaErrors)
    }
  }

  /** A batch of {@code count} records whose bytes are {@code records}, compressed with codec. */
  private static byte[] compressed(CompressionType codec, int count, byte[] records) {
    ByteBufferOutputStream out = new ByteBufferOutputStream(HEADER_BYTES + records.length);
    out.position(HEADER_BYTES);
    try (OutputStream compressing =
        Compression.of(codec).build().wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
      compressing.write(records);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer buffer = out.buffer();
    byte[] batch = Arrays.copyOf(buffer.array(), buffer.position());
    ByteBuffer.wrap(batch)
        .putLong(0, 0)
        .putInt(8, batch.length - 12)
        .putInt(12, 0)
        .put(16, RecordBatch.MAGIC_VALUE_V2)
        .putShort(21, (short) codec.id)
        .putInt(23, Math.max(count - 1, 0))
        .putLong(27, 0)
        .putLong(35, 0)
        .putLong(43, -1)
        .putShort(51, (short) -1)
        .putInt(53, -1)
        .putInt(57, count)
        .putInt(17, 0);
    ByteBuffer.wrap(batch).putInt(17, crc(batch));
    return batch;
  }

  private static int crc(byte[] batch) {
    CRC32C crc = new CRC32C();
    crc.update(batch, 21, batch.length - 21);
    return (int) crc.getValue();
  }
}
