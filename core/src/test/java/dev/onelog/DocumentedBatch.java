package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.FormatInteropIT.Written;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Batches as docs/FORMAT.md section 3 lays them out (one Kafka record batch v2), encoded here from
 * the page rather than by the library's writer, so that other programs' bytes can be held against
 * the page; and the page's own example batch, read from the page. Stateless.
 */
final class DocumentedBatch {
  private DocumentedBatch() {}

  /**
   * One record as a batch holds it: its headers already encoded as the page says (count first), any
   * bytes at all, or null for none (a header count of 0).
   */
  record Encoded(long offset, long timestampMs, byte[] key, byte[] value, byte[] headers) {
    static Encoded of(Written w) {
      return new Encoded(
          w.offset(), w.timestampMs(), w.key(), w.value(), DocumentedBatch.headers(w.headers()));
    }
  }

  /** The records blob of these records, the first at {@code baseOffset}. */
  static byte[] records(long baseOffset, List<Written> records) {
    return batch(baseOffset, records.stream().map(Encoded::of).toList());
  }

  /**
   * The records blob: the 61-byte header (base offset, batch length, leader epoch 0, magic 2, the
   * CRC-32C of bytes 21 to the end, attributes 0, last offset delta, base timestamp = the first
   * record's, max timestamp, producer id, epoch and base sequence -1, record count), then per
   * record its varint length and: attributes 0, varlong timestamp delta, varint offset delta, key
   * and value each as a varint length (-1 for none) and the bytes, the encoded headers (or a count
   * of 0). Timestamp deltas wrap around as Java's long arithmetic does.
   */
  static byte[] batch(long baseOffset, List<Encoded> records) {
    long baseTimestamp = records.get(0).timestampMs();
    long maxTimestamp = Long.MIN_VALUE;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Encoded r : records) {
      ByteArrayOutputStream record = new ByteArrayOutputStream();
      record.write(0);
      varlong(record, r.timestampMs() - baseTimestamp);
      varlong(record, Math.toIntExact(r.offset() - baseOffset));
      field(record, r.key());
      field(record, r.value());
      if (r.headers() == null) {
        varlong(record, 0);
      } else {
        record.writeBytes(r.headers());
      }
      varlong(body, record.size());
      body.writeBytes(record.toByteArray());
      maxTimestamp = Math.max(maxTimestamp, r.timestampMs());
    }
    ByteBuffer out = ByteBuffer.allocate(61 + body.size());
    out.putLong(baseOffset)
        .putInt(out.capacity() - 12)
        .putInt(0)
        .put((byte) 2)
        .putInt(0) // the CRC, below
        .putShort((short) 0)
        .putInt(Math.toIntExact(records.get(records.size() - 1).offset() - baseOffset))
        .putLong(baseTimestamp)
        .putLong(maxTimestamp)
        .putLong(-1)
        .putShort((short) -1)
        .putInt(-1)
        .putInt(records.size())
        .put(body.toByteArray());
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 21, out.capacity() - 21);
    out.putInt(17, (int) crc.getValue());
    return out.array();
  }

  /** Headers as the page encodes them: varint count, then names and values; null for none. */
  static byte[] headers(List<Header> headers) {
    if (headers.isEmpty()) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varlong(out, headers.size());
    for (Header h : headers) {
      field(out, h.name().getBytes(StandardCharsets.UTF_8));
      field(out, h.value());
    }
    return out.toByteArray();
  }

  /** The records' size as the page counts it: key, value and encoded headers when they have any. */
  static long sizeInBytes(List<Written> records) {
    long size = 0;
    for (Written w : records) {
      byte[] headers = headers(w.headers());
      size += length(w.key()) + length(w.value()) + length(headers);
    }
    return size;
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static void field(ByteArrayOutputStream out, byte[] bytes) {
    varlong(out, bytes == null ? -1 : bytes.length);
    if (bytes != null) {
      out.writeBytes(bytes);
    }
  }

  /** A zigzag varint or varlong (the same bytes for a value that fits an int). */
  private static void varlong(ByteArrayOutputStream out, long n) {
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7fL) != 0) {
      out.write((int) (z & 0x7f) | 0x80);
      z >>>= 7;
    }
    out.write((int) z);
  }

  /** The records of the page's example batch (section 3), base offset 0. */
  static final List<Written> PAGE_EXAMPLE =
      List.of(
          new Written(
              0,
              0,
              1_700_000_000_000L,
              "k1".getBytes(StandardCharsets.UTF_8),
              "hello".getBytes(StandardCharsets.UTF_8),
              List.of(Header.of("trace", "abc"), Header.of("empty", (byte[]) null))),
          new Written(
              0,
              1,
              1_700_000_000_001L,
              "k2".getBytes(StandardCharsets.UTF_8),
              "world".getBytes(StandardCharsets.UTF_8),
              List.of()));

  /**
   * The example batch's bytes as docs/FORMAT.md section 3 prints them: the lines of the fenced
   * block after "byte bytes (hex) field", each the byte position, the bytes in hex (groups split by
   * single spaces) and, two or more spaces on, the field. Each line's position is checked against
   * the bytes before it.
   */
  static byte[] pageExample() {
    List<String> lines;
    try {
      lines = Files.readAllLines(FormatDocSql.formatMd(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches("byte +bytes \\(hex\\) +field")) {
        assertEquals(-1, start, "one example batch in FORMAT.md");
        start = i + 1;
      }
    }
    assertTrue(start > 0, "FORMAT.md section 3 has the example batch");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = start; !lines.get(i).equals("```"); i++) {
      String[] columns = lines.get(i).strip().split(" {2,}");
      assertEquals(
          Integer.toString(bytes.size()), columns[0], "the byte position of " + lines.get(i));
      if (columns.length == 3) {
        bytes.writeBytes(HexFormat.of().parseHex(columns[1].replace(" ", "")));
      } else {
        assertEquals("end of the blob", columns[1], lines.get(i));
      }
    }
    return bytes.toByteArray();
  }
}
