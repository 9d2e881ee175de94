package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onelog.internal.Allocations;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes what the upgrade to format 6 reads: {@link LegacyBatch.Cursor} over a batch of formats 2
 * to 5 and {@link LegacyBatch#decodeHeaders} over each record's headers, as {@code BatchRewrite}
 * does, and the format 1 headers column ({@code FormatUpgrade}). Contract on arbitrary bytes:
 * records or IllegalArgumentException (which the upgrade reports as a damaged batch), never another
 * exception, allocating in proportion to the input; a batch that reads rewrites into a {@link
 * RecordBatch} that reads back the same records.
 *
 * <p>The input of {@link #batchRewritesOrRefuses} is the row's base offset (8 bytes, big-endian),
 * then the records blob. Regression inputs: {@code LegacyBatchFuzzTestInputs/<method>/}.
 */
class LegacyBatchFuzzTest {
  /** A record as the upgrade reads it, its headers already in Kafka's encoding. */
  private record Read(long offset, long timestampMs, byte[] key, byte[] value, byte[] headers) {}

  @FuzzTest(maxDuration = "3m")
  void batchRewritesOrRefuses(byte[] input) {
    if (input.length < 8) {
      return;
    }
    long baseOffset = ByteBuffer.wrap(input).getLong(0);
    byte[] records = Arrays.copyOfRange(input, 8, input.length);
    Allocations.assertAtMost(
        1024 * 1024 + 256L * input.length,
        "reading a legacy batch",
        () -> read(baseOffset, records));
    List<Read> read = read(baseOffset, records);
    if (read == null || read.isEmpty()) {
      return;
    }
    int size = RecordBatch.HEADER_BYTES;
    long baseTimestampMs = read.get(0).timestampMs();
    for (Read r : read) {
      size +=
          RecordBatch.recordSize(
              (int) (r.offset() - baseOffset),
              r.timestampMs() - baseTimestampMs,
              r.key(),
              r.value(),
              r.headers());
    }
    RecordBatch.Encoder encoder =
        new RecordBatch.Encoder(ByteBuffer.allocate(size), baseOffset, baseTimestampMs);
    for (Read r : read) {
      encoder.add(r.offset(), r.timestampMs(), r.key(), r.value(), r.headers());
    }
    BatchCursor rewritten = new BatchCursor(baseOffset, encoder.toBytes());
    for (Read r : read) {
      assertTrue(rewritten.next());
      assertEquals(r.offset(), rewritten.offset());
      assertEquals(r.timestampMs(), rewritten.timestampMs());
      assertArrayEquals(r.key(), rewritten.key());
      assertArrayEquals(r.value(), rewritten.value());
      assertArrayEquals(r.headers(), rewritten.headers());
    }
    assertFalse(rewritten.next());
  }

  /** The records as BatchRewrite reads them, or null when the bytes are refused as documented. */
  private static List<Read> read(long baseOffset, byte[] records) {
    List<Read> read = new ArrayList<>();
    try {
      LegacyBatch.Cursor cursor = new LegacyBatch.Cursor(baseOffset, records);
      while (cursor.next()) {
        assertTrue(read.size() < records.length, "more records than bytes");
        byte[] headers = RecordCodec.encodeHeaders(LegacyBatch.decodeHeaders(cursor.headers()));
        read.add(
            new Read(cursor.offset(), cursor.timestampMs(), cursor.key(), cursor.value(), headers));
      }
      return read;
    } catch (IllegalArgumentException expected) {
      return null;
    }
  }

  @FuzzTest(maxDuration = "3m")
  void headersDecodeOrRefuse(byte[] encoded) {
    Allocations.assertAtMost(
        1024 * 1024 + 256L * encoded.length,
        "decoding legacy headers",
        () -> {
          try {
            LegacyBatch.decodeHeaders(encoded);
          } catch (IllegalArgumentException expected) {
            // the documented refusal of malformed bytes
          }
        });
  }
}
