package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The records of a stored batch, decoded from docs/FORMAT.md section 3 alone (a Kafka record batch
 * v2), without the library's decoder, so that the invariants check the library against the page.
 */
final class StoredBatchWalker {
  private StoredBatchWalker() {}

  /** One record: offset, timestamp, key, value (null for none) and its size in the page's sense. */
  record Rec(long offset, long timestampMs, byte[] key, byte[] value, long sizeBytes) {}

  /** The batch's records, its header checked against itself and {@code baseOffset}. */
  static List<Rec> records(long baseOffset, byte[] batch, String name) {
    ByteBuffer in = ByteBuffer.wrap(batch);
    assertEquals(baseOffset, in.getLong(0), name + ": the header's base offset");
    assertEquals(batch.length - 12, in.getInt(8), name + ": the header's batch length");
    assertEquals(2, in.get(16), name + ": magic");
    CRC32C crc = new CRC32C();
    crc.update(batch, 21, batch.length - 21);
    assertEquals(crc.getValue(), in.getInt(17) & 0xffffffffL, name + ": the header's CRC32C");
    assertEquals(0, in.getShort(21), name + ": attributes");
    long baseTimestamp = in.getLong(27);
    int count = in.getInt(57);
    in.position(61);
    List<Rec> out = new ArrayList<>();
    while (in.hasRemaining()) {
      int length = varint(in);
      int end = in.position() + length;
      in.get(); // attributes
      long timestamp = baseTimestamp + varlong(in);
      long offset = baseOffset + varint(in);
      byte[] key = field(in);
      byte[] value = field(in);
      int headersAt = in.position();
      int headers = varint(in);
      for (int i = 0; i < headers; i++) {
        field(in);
        field(in);
      }
      assertEquals(end, in.position(), name + ": record at " + offset + " ends at its length");
      long size =
          (key == null ? 0 : key.length)
              + (value == null ? 0 : value.length)
              + (headers == 0 ? 0 : end - headersAt);
      out.add(new Rec(offset, timestamp, key, value, size));
    }
    assertEquals(count, out.size(), name + ": the header's record count");
    assertTrue(count > 0, name + ": holds records");
    assertEquals(
        in.getInt(23), out.get(out.size() - 1).offset() - baseOffset, name + ": last offset delta");
    assertEquals(
        in.getLong(35),
        out.stream().mapToLong(Rec::timestampMs).max().orElseThrow(),
        name + ": the header's max timestamp");
    return out;
  }

  private static byte[] field(ByteBuffer in) {
    int length = varint(in);
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  static int varint(ByteBuffer in) {
    return (int) varlong(in);
  }

  static long varlong(ByteBuffer in) {
    long raw = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.get();
      raw |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
  }
}
