package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchCursor} decodes straight from the array since the scan work of issue 12; this holds
 * it against {@link Reference}, the decoder it replaced (a {@link ByteBuffer} slice per record,
 * {@link Varints}' buffer reads), on seeded random batches and on the same batches damaged: both
 * must return the same records and then either end or refuse at the same record. Prints the seed;
 * rerun one with {@code -Dcursor.seed=<seed>}.
 */
class CursorAgainstReferenceTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void theCursorDecodesAsTheBufferDecoderDidOnRandomAndDamagedBatches() {
    long seed = Long.getLong("cursor.seed", System.nanoTime());
    System.out.println("CursorAgainstReferenceTest seed " + seed);
    Random random = new Random(seed);
    int refusedByBoth = 0;
    for (int i = 0; i < 500; i++) {
      byte[] batch = randomBatch(random);
      assertEquals(
          walk(new Reference(ByteBuffer.wrap(batch).getLong(0), batch)),
          walkCursor(batch),
          "seed " + seed + ", batch " + i + " as written");
      for (int d = 0; d < 20; d++) {
        byte[] damaged = damage(random, batch);
        List<String> expected = walk(new Reference(ByteBuffer.wrap(batch).getLong(0), damaged));
        assertEquals(
            expected,
            walkCursor(damaged),
            "seed " + seed + ", batch " + i + ", damaged " + HEX.formatHex(damaged));
        if (expected.get(expected.size() - 1).startsWith("refused")) {
          refusedByBoth++;
        }
      }
    }
    assertTrue(refusedByBoth > 2_500, "too few damaged batches were refused: " + refusedByBoth);
  }

  /** Each record as a line, then "end" or "refused"; the header checks are the constructor's. */
  private static List<String> walkCursor(byte[] batch) {
    List<String> out = new ArrayList<>();
    BatchCursor cursor;
    try {
      cursor = new BatchCursor(ByteBuffer.wrap(batch).getLong(0), batch);
    } catch (IllegalArgumentException e) {
      out.add("refused");
      return out;
    }
    try {
      while (cursor.next()) {
        out.add(
            line(
                cursor.offset(),
                cursor.timestampMs(),
                cursor.key(),
                cursor.value(),
                cursor.headers(),
                cursor.sizeInBytes(),
                cursor.keyView(),
                cursor.valueView()));
      }
      out.add("end");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("malformed batch at byte "), e.getMessage());
      out.add("refused");
    }
    return out;
  }

  private static List<String> walk(Reference reference) {
    List<String> out = new ArrayList<>();
    if (reference.refusedHeader) {
      out.add("refused");
      return out;
    }
    try {
      while (reference.next()) {
        out.add(
            line(
                reference.offset,
                reference.timestampMs,
                reference.copy(reference.keyAt, reference.keyLength),
                reference.copy(reference.valueAt, reference.valueLength),
                reference.copy(reference.headersAt, reference.headersLength),
                Math.max(reference.keyLength, 0)
                    + Math.max(reference.valueLength, 0)
                    + Math.max(reference.headersLength, 0),
                null,
                null));
      }
      out.add("end");
    } catch (IllegalArgumentException e) {
      out.add("refused");
    }
    return out;
  }

  private static String line(
      long offset,
      long timestampMs,
      byte[] key,
      byte[] value,
      byte[] headers,
      int size,
      ByteBuffer keyView,
      ByteBuffer valueView) {
    if (keyView != null || key == null) {
      assertEquals(key == null ? null : ByteBuffer.wrap(key), keyView, "the key's view");
    }
    if (valueView != null || value == null) {
      assertEquals(value == null ? null : ByteBuffer.wrap(value), valueView, "the value's view");
    }
    return offset
        + " "
        + timestampMs
        + " "
        + hex(key)
        + " "
        + hex(value)
        + " "
        + hex(headers)
        + " "
        + size;
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? "null" : HEX.formatHex(bytes);
  }

  /**
   * A batch of 1 to 12 records with gaps between offsets; keys and values null, empty, short or
   * long enough for 2- and 3-byte varints; timestamps near, far and below the first.
   */
  private static byte[] randomBatch(Random random) {
    int count = 1 + random.nextInt(12);
    long baseOffset = random.nextInt(3) == 0 ? random.nextLong() >>> 2 : random.nextInt(1000);
    long baseTimestamp = random.nextInt(4) == 0 ? random.nextLong() : 1_700_000_000_000L;
    List<Object[]> records = new ArrayList<>();
    int size = RecordBatch.HEADER_BYTES;
    long offset = baseOffset;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        offset += 1 + (random.nextInt(3) == 0 ? random.nextInt(20_000) : 0);
      }
      long timestamp =
          switch (random.nextInt(4)) {
            case 0 -> baseTimestamp;
            case 1 -> baseTimestamp + random.nextInt(100_000) - 50_000;
            case 2 -> random.nextLong();
            default -> baseTimestamp + i;
          };
      byte[] key = field(random);
      byte[] value = field(random);
      byte[] headers = null;
      if (random.nextInt(4) == 0) {
        List<Header> list = new ArrayList<>();
        for (int h = random.nextInt(3) + 1; h > 0; h--) {
          list.add(new Header("h" + random.nextInt(100), field(random)));
        }
        headers = RecordCodec.encodeHeaders(list);
      }
      records.add(new Object[] {offset, timestamp, key, value, headers});
      size +=
          RecordBatch.recordSize(
              (int) (offset - baseOffset), timestamp - baseTimestamp, key, value, headers);
    }
    RecordBatch.Encoder encoder =
        new RecordBatch.Encoder(ByteBuffer.allocate(size), baseOffset, baseTimestamp);
    for (Object[] r : records) {
      encoder.add((long) r[0], (long) r[1], (byte[]) r[2], (byte[]) r[3], (byte[]) r[4]);
    }
    return encoder.toBytes();
  }

  private static byte[] field(Random random) {
    int length =
        switch (random.nextInt(6)) {
          case 0 -> -1;
          case 1 -> 0;
          case 2 -> random.nextInt(63);
          case 3 -> 63 + random.nextInt(8_192 - 63);
          case 4 -> 8_192 + random.nextInt(2_000);
          default -> random.nextInt(200);
        };
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /**
   * The batch with the records' bytes damaged: bytes set to random values or to the varint bytes
   * that matter (0x7f, 0x80, 0xff, 0x00, 0x01), cut short, or lengthened, the header's length kept
   * right so that the records are what is tested.
   */
  private static byte[] damage(Random random, byte[] batch) {
    byte[] out;
    switch (random.nextInt(4)) {
      case 0 ->
          out = Arrays.copyOf(batch, RecordBatch.HEADER_BYTES + random.nextInt(batch.length - 60));
      case 1 -> {
        out = Arrays.copyOf(batch, batch.length + 1 + random.nextInt(6));
        for (int i = batch.length; i < out.length; i++) {
          out[i] = (byte) random.nextInt(256);
        }
      }
      default -> {
        out = batch.clone();
        byte[] chosen = {0x7f, (byte) 0x80, (byte) 0xff, 0x00, 0x01, 0x02, 0x03};
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          int at = RecordBatch.HEADER_BYTES + random.nextInt(out.length - RecordBatch.HEADER_BYTES);
          out[at] =
              random.nextBoolean()
                  ? chosen[random.nextInt(chosen.length)]
                  : (byte) random.nextInt();
        }
      }
    }
    ByteBuffer.wrap(out).putInt(8, out.length - 12);
    return out;
  }

  /**
   * The cursor's {@code next()} as it was before it read arrays (commit 681e45d): a slice of the
   * batch per record, lengths and varints read through {@link Varints}. Kept as the reference; the
   * header checks are left to the cursor's constructor, which did not change.
   */
  private static final class Reference {
    final long baseOffset;
    final byte[] records;
    final ByteBuffer in;
    final int recordCount;
    final int lastOffsetDelta;
    final long baseTimestampMs;
    final long maxTimestampMs;
    final boolean refusedHeader;
    int walked;
    long offset = Long.MIN_VALUE;
    long timestampMs;
    long largestTimestampMs = Long.MIN_VALUE;
    int keyAt;
    int keyLength;
    int valueAt;
    int valueLength;
    int headersAt;
    int headersLength;

    Reference(long baseOffset, byte[] records) {
      this.baseOffset = baseOffset;
      this.records = records;
      this.in = ByteBuffer.wrap(records);
      boolean refused;
      try {
        new BatchCursor(baseOffset, records);
        refused = false;
      } catch (IllegalArgumentException e) {
        refused = true;
      }
      refusedHeader = refused;
      lastOffsetDelta = records.length >= 61 ? in.getInt(23) : 0;
      baseTimestampMs = records.length >= 61 ? in.getLong(27) : 0;
      maxTimestampMs = records.length >= 61 ? in.getLong(35) : 0;
      recordCount = records.length >= 61 ? in.getInt(57) : 0;
      in.position(Math.min(61, records.length));
    }

    boolean next() {
      if (!in.hasRemaining()) {
        if (walked != recordCount
            || offset - baseOffset != lastOffsetDelta
            || largestTimestampMs != maxTimestampMs) {
          throw new IllegalArgumentException("the end does not match the header");
        }
        return false;
      }
      int length = Varints.getInt(in);
      if (length < 0 || length > in.remaining()) {
        throw new IllegalArgumentException("record length");
      }
      int end = in.position() + length;
      ByteBuffer body = in.slice(in.position(), length);
      try {
        body.get();
        long timestampDelta = Varints.getLong(body);
        int delta = Varints.getInt(body);
        long next = baseOffset + delta;
        if (delta < 0 || (offset == Long.MIN_VALUE ? delta != 0 : next <= offset)) {
          throw new IllegalArgumentException("offset delta");
        }
        offset = next;
        timestampMs = baseTimestampMs + timestampDelta;
        largestTimestampMs = Math.max(largestTimestampMs, timestampMs);
        int bodyAt = in.position();
        keyLength = field(body);
        keyAt = bodyAt + body.position() - Math.max(keyLength, 0);
        valueLength = field(body);
        valueAt = bodyAt + body.position() - Math.max(valueLength, 0);
        headersAt = bodyAt + body.position();
        int count = Varints.getInt(body);
        if (count < 0) {
          throw new IllegalArgumentException("header count");
        }
        for (int i = 0; i < count; i++) {
          if (field(body) < 0) {
            throw new IllegalArgumentException("header name");
          }
          field(body);
        }
        if (body.hasRemaining()) {
          throw new IllegalArgumentException("bytes left");
        }
        headersLength = count == 0 ? -1 : end - headersAt;
      } catch (java.nio.BufferUnderflowException e) {
        throw new IllegalArgumentException("cut off");
      }
      in.position(end);
      walked++;
      return true;
    }

    private static int field(ByteBuffer body) {
      int length = Varints.getInt(body);
      if (length < -1 || length > body.remaining()) {
        throw new IllegalArgumentException("field length");
      }
      if (length > 0) {
        body.position(body.position() + length);
      }
      return length;
    }

    byte[] copy(int at, int length) {
      return length < 0 ? null : Arrays.copyOfRange(records, at, at + length);
    }
  }
}
