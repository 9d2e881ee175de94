package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordBatchTest {
  /** Two records as FORMAT.md lays them out: (delta 0, ts 7, key "k", value "vv", no headers), */
  /** (delta 2, ts 5, no key, empty value, headers of 4 bytes). */
  private static byte[] twoRecords() {
    return ByteBuffer.allocate(24 + 3 + 24 + 4)
        .putInt(0)
        .putLong(7)
        .putInt(1)
        .put((byte) 'k')
        .putInt(2)
        .put(new byte[] {'v', 'v'})
        .putInt(-1)
        .putInt(2)
        .putLong(5)
        .putInt(-1)
        .putInt(0)
        .putInt(4)
        .putInt(0)
        .array();
  }

  @Test
  void aCursorWalksTheRecordsAndCopiesOnlyWhatIsAskedFor() {
    RecordBatch.Cursor cursor = new RecordBatch.Cursor(100, twoRecords());
    assertTrue(cursor.next());
    assertEquals(100, cursor.offset());
    assertEquals(7, cursor.timestampMs());
    assertArrayEquals(new byte[] {'k'}, cursor.key());
    assertArrayEquals(new byte[] {'v', 'v'}, cursor.value());
    assertNull(cursor.headers());
    assertEquals(3, cursor.sizeInBytes());
    assertTrue(cursor.next());
    assertEquals(102, cursor.offset());
    assertNull(cursor.key());
    assertArrayEquals(new byte[0], cursor.value());
    assertArrayEquals(new byte[4], cursor.headers());
    assertFalse(cursor.next());
    assertEquals(7, RecordBatch.sizeInBytes(twoRecords(), 2));
  }

  @Test
  void theCrcCoversTheBaseOffsetAndEveryByte() {
    byte[] records = twoRecords();
    long crc = RecordBatch.crc(100, records);
    assertEquals(crc, RecordBatch.crc(100, twoRecords()));
    assertNotEquals(crc, RecordBatch.crc(101, records));
    records[records.length - 1] = 1;
    assertNotEquals(crc, RecordBatch.crc(100, records));
  }

  @Test
  void malformedBatchesAreClearErrors() {
    byte[] records = twoRecords();
    IllegalArgumentException cut =
        assertThrows(
            IllegalArgumentException.class, () -> walk(Arrays.copyOf(records, records.length - 2)));
    assertTrue(cut.getMessage().startsWith("malformed batch at byte "), cut.getMessage());
    byte[] firstDeltaNotZero = twoRecords();
    firstDeltaNotZero[3] = 1;
    assertThrows(IllegalArgumentException.class, () -> walk(firstDeltaNotZero));
    byte[] falling = twoRecords();
    ByteBuffer.wrap(falling).putInt(27, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> walk(falling));
    assertTrue(e.getMessage().contains("does not rise"), e.getMessage());
    byte[] hugeKey = twoRecords();
    ByteBuffer.wrap(hugeKey).putInt(12, 1 << 30);
    assertThrows(IllegalArgumentException.class, () -> walk(hugeKey));
  }

  private static void walk(byte[] records) {
    RecordBatch.Cursor cursor = new RecordBatch.Cursor(0, records);
    while (cursor.next()) {
      cursor.value();
    }
  }
}
