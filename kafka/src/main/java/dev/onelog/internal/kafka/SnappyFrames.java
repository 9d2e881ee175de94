package dev.onelog.internal.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.xerial.snappy.Snappy;

/**
 * Decompresses the records of a snappy batch, in the framing Kafka's producers write (snappy-java's
 * {@code SnappyOutputStream}), with every length checked before anything is allocated. Stateless.
 *
 * <pre>
 * framed:  8 bytes magic (0x82 "SNAPPY" 0), int32 version, int32 compatible version, then chunks:
 *          int32 compressed length (big-endian), a raw snappy block of that length
 * raw:     anything else is one raw snappy block (librdkafka writes these)
 * a raw snappy block starts with its uncompressed length, a varint
 * </pre>
 *
 * Kafka's own reader ({@code SnappyInputStream}) allocates a chunk from its length field (up to 512
 * MiB) and its output from the block's uncompressed length (up to 2 GiB) before reading either, so
 * a batch of a few bytes could make the server allocate gigabytes; and it throws {@code
 * SnappyError}, an {@link Error}, for a chunk over 512 MiB (found by KafkaRecordsFuzzTest). Here a
 * chunk must fit the bytes left and its output what the request's budget has left.
 */
final class SnappyFrames {
  private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
  private static final int HEADER_BYTES = MAGIC.length + 8;

  private SnappyFrames() {}

  /**
   * The decompressed bytes; each block's output is taken from {@code budget} before it is
   * allocated.
   *
   * @throws CorruptRecordException when the bytes are not snappy's
   * @throws org.apache.kafka.common.errors.RecordTooLargeException when they decompress to more
   *     than the budget has left
   */
  static byte[] decompress(ByteBuffer in, KafkaRecords.Budget budget) {
    byte[] bytes = new byte[in.remaining()];
    in.get(bytes);
    if (!framed(bytes)) {
      return block(bytes, 0, bytes.length, budget);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer chunks = ByteBuffer.wrap(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
    while (chunks.hasRemaining()) {
      if (chunks.remaining() < 4) {
        throw corrupt("a chunk's length is cut off at byte " + chunks.position());
      }
      int length = chunks.getInt();
      if (length < 0 || length > chunks.remaining()) {
        throw corrupt(
            "a chunk of " + length + " bytes does not fit the " + chunks.remaining() + " left");
      }
      out.writeBytes(block(bytes, chunks.position(), length, budget));
      chunks.position(chunks.position() + length);
    }
    return out.toByteArray();
  }

  private static boolean framed(byte[] bytes) {
    return bytes.length >= HEADER_BYTES
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  private static byte[] block(byte[] bytes, int offset, int length, KafkaRecords.Budget budget) {
    try {
      int uncompressed = Snappy.uncompressedLength(bytes, offset, length);
      if (uncompressed < 0) {
        throw corrupt("a block's uncompressed length is " + uncompressed);
      }
      budget.take(uncompressed);
      byte[] out = new byte[uncompressed];
      int written = Snappy.uncompress(bytes, offset, length, out, 0);
      if (written != uncompressed) {
        throw corrupt("a block of " + uncompressed + " bytes decompressed to " + written);
      }
      return out;
    } catch (IOException e) {
      throw corrupt(e.getMessage());
    }
  }

  private static CorruptRecordException corrupt(String why) {
    return new CorruptRecordException("the records of a snappy batch are damaged: " + why);
  }
}
