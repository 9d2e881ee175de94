package dev.onelog.internal.write;

import dev.onelog.internal.storage.RecordBatch;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka's default partitioner for keyed records, so that a key lands in the same partition here and
 * after a mirror to Kafka: {@code toPositive(murmur2(key)) % partitions}. Records without a key
 * stick to one partition of their topic until a batch's worth of them ({@link
 * RecordBatch#MAX_BATCH_BYTES}) went there, then move to the next, as Kafka's producer does since
 * KIP-794: each commit then stores a few full batches instead of one small batch per partition
 * (docs/BENCHMARKS.md, "Many partitions"). Thread-safe.
 */
public final class Partitioner {
  /** A topic's partition for records without a key, and the bytes it still takes. */
  private static final class Sticky {
    int partition = -1;
    long bytesLeft;
  }

  private final ConcurrentHashMap<String, Sticky> unkeyed = new ConcurrentHashMap<>();

  /** The partition of a record of {@code sizeBytes} (key, value and headers). */
  public int partition(String topic, byte[] key, int partitions, int sizeBytes) {
    if (partitions == 1) {
      return 0;
    }
    if (key == null) {
      Sticky sticky = unkeyed.computeIfAbsent(topic, t -> new Sticky());
      synchronized (sticky) {
        if (sticky.bytesLeft <= 0 || sticky.partition >= partitions) {
          sticky.partition = (sticky.partition + 1) % partitions;
          sticky.bytesLeft = RecordBatch.MAX_BATCH_BYTES;
        }
        sticky.bytesLeft -= sizeBytes + RecordBatch.RECORD_OVERHEAD_BYTES;
        return sticky.partition;
      }
    }
    return forKey(key, partitions);
  }

  /** The partition of a keyed record: the same for every process and for Kafka. */
  public static int forKey(byte[] key, int partitions) {
    return partitions == 1 ? 0 : (murmur2(key) & 0x7fffffff) % partitions;
  }

  /**
   * MurmurHash2, 32-bit, with the seed Kafka uses (0x9747b28c). Written from Austin Appleby's
   * description of the algorithm; {@code PartitionerTest} checks it against kafka-clients.
   */
  static int murmur2(byte[] data) {
    final int m = 0x5bd1e995;
    final int r = 24;
    int length = data.length;
    int h = 0x9747b28c ^ length;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int at = i * 4;
      int k =
          (data[at] & 0xff)
              | ((data[at + 1] & 0xff) << 8)
              | ((data[at + 2] & 0xff) << 16)
              | ((data[at + 3] & 0xff) << 24);
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    int tail = blocks * 4;
    int remaining = length - tail;
    if (remaining >= 3) {
      h ^= (data[tail + 2] & 0xff) << 16;
    }
    if (remaining >= 2) {
      h ^= (data[tail + 1] & 0xff) << 8;
    }
    if (remaining >= 1) {
      h ^= data[tail] & 0xff;
      h *= m;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }
}
