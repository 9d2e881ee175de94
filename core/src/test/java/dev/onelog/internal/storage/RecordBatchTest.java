package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Header;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RecordBatchTest {
  /**
   * Two records laid out by hand as FORMAT.md section 3 says, base offset 100: (delta 0, ts 7, key
   * "k", value "vv", no headers), (delta 2, ts 5, no key, empty value, header ("h", null)).
   */
  private static byte[] twoRecords() {
    ByteBuffer out = ByteBuffer.allocate(200);
    out.position(61);
    // record 0: body = attributes 0, ts delta 0 (0x00), offset delta 0 (0x00), key length 1
    // (zigzag 2), 'k', value length 2 (zigzag 4), "vv", header count 0: 9 bytes
    out.put(new byte[] {18, 0, 0, 0, 2, 'k', 4, 'v', 'v', 0});
    // record 1: attributes, ts delta -2 (zigzag 3), offset delta 2 (zigzag 4), key -1 (zigzag 1),
    // value length 0, header count 1 (zigzag 2), name length 1 (2), 'h', value -1 (1): 9 bytes
    out.put(new byte[] {18, 0, 3, 4, 1, 0, 2, 2, 'h', 1});
    int end = out.position();
    out.putLong(0, 100).putInt(8, end - 12).putInt(12, 0).put(16, (byte) 2);
    out.putShort(21, (short) 0).putInt(23, 2).putLong(27, 7).putLong(35, 7);
    out.putLong(43, -1).putShort(51, (short) -1).putInt(53, -1).putInt(57, 2);
    byte[] batch = Arrays.copyOf(out.array(), end);
    CRC32C crc = new CRC32C();
    crc.update(batch, 21, batch.length - 21);
    ByteBuffer.wrap(batch).putInt(17, (int) crc.getValue());
    return batch;
  }

  @Test
  void theEncoderWritesWhatThePageDescribes() {
    byte[] headers = RecordCodec.encodeHeaders(List.of(new Header("h", null)));
    ByteBuffer out =
        ByteBuffer.allocate(
            RecordBatch.HEADER_BYTES
                + RecordBatch.recordSize(0, 0, new byte[] {'k'}, new byte[] {'v', 'v'}, null)
                + RecordBatch.recordSize(2, -2, null, new byte[0], headers));
    RecordBatch.Encoder encoder = new RecordBatch.Encoder(out, 100, 7);
    encoder.add(100, 7, new byte[] {'k'}, new byte[] {'v', 'v'}, null);
    encoder.add(102, 5, null, new byte[0], headers);
    assertArrayEquals(twoRecords(), encoder.toBytes());
    assertEquals(102, encoder.lastOffset());
    assertTrue(RecordBatch.kafkaCrcMatches(twoRecords()));
  }

  @Test
  void aCursorWalksTheRecordsAndCopiesOnlyWhatIsAskedFor() {
    BatchCursor cursor = new BatchCursor(100, twoRecords());
    assertEquals(2, cursor.count());
    assertTrue(cursor.next());
    assertEquals(100, cursor.offset());
    assertEquals(7, cursor.timestampMs());
    assertArrayEquals(new byte[] {'k'}, cursor.key());
    assertArrayEquals(new byte[] {'v', 'v'}, cursor.value());
    assertNull(cursor.headers());
    assertEquals(3, cursor.sizeInBytes());
    assertTrue(cursor.next());
    assertEquals(102, cursor.offset());
    assertEquals(5, cursor.timestampMs());
    assertNull(cursor.key());
    assertArrayEquals(new byte[0], cursor.value());
    assertEquals(List.of(new Header("h", null)), RecordCodec.decodeHeaders(cursor.headers()));
    assertEquals(4, cursor.sizeInBytes());
    assertFalse(cursor.next());
    assertEquals(7, RecordBatch.sizeInBytes(twoRecords()));
  }

  @Test
  void theCrcCoversTheBaseOffsetAndEveryByte() {
    byte[] records = twoRecords();
    long crc = RecordBatch.crc(100, records);
    assertEquals(crc, RecordBatch.crc(100, twoRecords()));
    assertNotEquals(crc, RecordBatch.crc(101, records));
    records[records.length - 1] = 3;
    assertNotEquals(crc, RecordBatch.crc(100, records));
    assertFalse(RecordBatch.kafkaCrcMatches(records));
  }

  @Test
  void malformedBatchesAreClearErrors() {
    byte[] records = twoRecords();
    IllegalArgumentException cut =
        assertThrows(
            IllegalArgumentException.class, () -> walk(Arrays.copyOf(records, records.length - 2)));
    assertTrue(cut.getMessage().startsWith("malformed batch at byte "), cut.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BatchCursor(101, twoRecords()));
    byte[] firstDeltaNotZero = twoRecords();
    firstDeltaNotZero[64] = 2;
    assertThrows(IllegalArgumentException.class, () -> walk(firstDeltaNotZero));
    byte[] falling = twoRecords();
    falling[74] = 0; // the second record's offset delta: 0, not above the first's
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> walk(falling));
    assertTrue(e.getMessage().contains("does not rise"), e.getMessage());
    byte[] hugeKey = twoRecords();
    hugeKey[65] = 100;
    assertThrows(IllegalArgumentException.class, () -> walk(hugeKey));
    byte[] compressed = twoRecords();
    compressed[22] = 1; // gzip
    e = assertThrows(IllegalArgumentException.class, () -> walk(compressed));
    assertTrue(e.getMessage().contains("attributes 1"), e.getMessage());
    byte[] miscounted = twoRecords();
    miscounted[60] = 3;
    e = assertThrows(IllegalArgumentException.class, () -> walk(miscounted));
    assertTrue(e.getMessage().contains("counts 3 records"), e.getMessage());
  }

  @Test
  void varintsRoundTripAtTheirEdges() {
    for (long v :
        new long[] {
          0,
          1,
          -1,
          63,
          -64,
          64,
          Integer.MAX_VALUE,
          Integer.MIN_VALUE,
          Long.MAX_VALUE,
          Long.MIN_VALUE
        }) {
      ByteBuffer out = ByteBuffer.allocate(10);
      Varints.putLong(out, v);
      assertEquals(Varints.sizeOfLong(v), out.position(), "size of " + v);
      assertEquals(v, Varints.getLong(out.flip()), "varlong " + v);
      if (v == (int) v) {
        ByteBuffer small = ByteBuffer.allocate(5);
        Varints.putInt(small, (int) v);
        assertEquals(Varints.sizeOfInt((int) v), small.position());
        assertEquals((int) v, Varints.getInt(small.flip()));
      }
    }
  }

  private static void walk(byte[] records) {
    BatchCursor cursor = new BatchCursor(100, records);
    while (cursor.next()) {
      cursor.value();
    }
  }
}
