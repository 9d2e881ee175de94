package dev.onelog.internal.storage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onelog.internal.Allocations;
import java.nio.ByteBuffer;

/**
 * Fuzzes {@link BatchCursor}, which reads every stored batch, and a Kafka producer's batch before
 * it is stored. Contract on arbitrary bytes: the cursor walks the records or throws
 * IllegalArgumentException, never another exception; it stops after at most one record per byte; it
 * allocates in proportion to the input. The row's base offset is taken from the batch itself (bytes
 * 0 to 7), as a writer stores it, so that the fuzzer gets past the constructor.
 *
 * <p>Regression inputs: {@code RecordBatchFuzzTestInputs/cursorWalksOrRefuses/}. Fuzz with {@code
 * JAZZER_FUZZ=1} (docs/RELIABILITY.md).
 */
class RecordBatchFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void cursorWalksOrRefuses(byte[] batch) {
    Allocations.assertAtMost(
        1024 * 1024 + 256L * batch.length, "walking a batch", () -> walk(batch));
  }

  private static void walk(byte[] batch) {
    long baseOffset = batch.length >= 8 ? ByteBuffer.wrap(batch).getLong(0) : 0;
    int walked = 0;
    try {
      BatchCursor cursor = new BatchCursor(baseOffset, batch);
      while (cursor.next()) {
        walked++;
        assertTrue(walked <= batch.length, "more records than bytes");
        cursor.key();
        cursor.value();
        cursor.keyView();
        cursor.valueView();
        cursor.sizeInBytes();
        RecordCodec.decodeHeaders(cursor.headers());
      }
    } catch (IllegalArgumentException expected) {
      // the documented refusal of malformed bytes
    }
  }
}
