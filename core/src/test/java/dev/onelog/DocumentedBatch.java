package dev.onelog;

import dev.onelog.FormatInteropIT.Written;
import dev.onelog.internal.storage.RecordCodec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Batches as docs/FORMAT.md section 3 lays them out, encoded here rather than by the library's
 * writer, so that other programs' bytes can be held against the page. Stateless.
 */
final class DocumentedBatch {
  private DocumentedBatch() {}

  /**
   * The records blob: per record int32 offset delta, int64 timestamp, then key, value and headers
   * each as an int32 length (-1 for none) and the bytes.
   */
  static byte[] records(long baseOffset, List<Written> records) {
    int length = 0;
    for (Written r : records) {
      length += 24 + (int) sizeInBytes(List.of(r));
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    for (Written r : records) {
      out.putInt(Math.toIntExact(r.offset() - baseOffset)).putLong(r.timestampMs());
      for (byte[] field :
          new byte[][] {r.key(), r.value(), RecordCodec.encodeHeaders(r.headers())}) {
        out.putInt(field == null ? -1 : field.length);
        if (field != null) {
          out.put(field);
        }
      }
    }
    return out.array();
  }

  /** The records' size as the page counts it: key, value and encoded headers. */
  static long sizeInBytes(List<Written> records) {
    return records.stream()
        .mapToLong(
            w ->
                RecordCodec.sizeInBytes(w.key(), w.value(), RecordCodec.encodeHeaders(w.headers())))
        .sum();
  }
}
