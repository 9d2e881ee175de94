package dev.onelog.bench.chronicle;

import dev.onelog.bench.RecordData;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Opening the benchmark's queue and writing and reading its records, shared by the Chronicle
 * scenarios. A record is one excerpt (Chronicle's document) holding the same fields onelog stores
 * for a record without headers, as raw bytes, with no self-describing wire format:
 *
 * <pre>
 * +-----------------+-------------------+-----------+---------------------+-------------+
 * | timestampMs (8) | key length (stop) | key bytes | value length (stop) | value bytes |
 * +-----------------+-------------------+-----------+---------------------+-------------+
 * </pre>
 *
 * (stop: Chronicle's stop-bit encoding, one byte below 128.) Chronicle keeps no CRC per record, so
 * the reader checks none; onelog's scan checks one per batch.
 */
final class BenchQueue {
  private BenchQueue() {}

  static Path dir(Path workDir) {
    return workDir.resolve("queue");
  }

  /**
   * The queue in {@code workDir}, Chronicle's defaults but for {@code syncMode}: with {@link
   * SyncMode#SYNC}, {@link ExcerptAppender#sync()} is an {@code msync(MS_SYNC)} of what was
   * appended; with the default ({@code ASYNC}) it is an {@code MS_ASYNC}, which makes nothing
   * durable.
   */
  static SingleChronicleQueue open(Path workDir, SyncMode syncMode) {
    return SingleChronicleQueueBuilder.binary(dir(workDir)).syncMode(syncMode).build();
  }

  static void write(ExcerptAppender appender, RecordData data, long i, long timestampMs) {
    write(appender, data.key(i), data.value(i), timestampMs);
  }

  static void write(ExcerptAppender appender, byte[] key, byte[] value, long timestampMs) {
    try (DocumentContext document = appender.writingDocument()) {
      Bytes<?> bytes = document.wire().bytes();
      bytes.writeLong(timestampMs);
      bytes.writeStopBit(key.length);
      bytes.write(key);
      bytes.writeStopBit(value.length);
      bytes.write(value);
    }
  }

  /** One record decoded into arrays of its own, as a consumer gets it; null when none is there. */
  static Record read(ExcerptTailer tailer) {
    try (DocumentContext document = tailer.readingDocument()) {
      if (!document.isPresent()) {
        return null;
      }
      Bytes<?> bytes = document.wire().bytes();
      long timestampMs = bytes.readLong();
      byte[] key = new byte[(int) bytes.readStopBit()];
      bytes.read(key);
      byte[] value = new byte[(int) bytes.readStopBit()];
      bytes.read(value);
      return new Record(timestampMs, key, value);
    }
  }

  record Record(long timestampMs, byte[] key, byte[] value) {}
}
