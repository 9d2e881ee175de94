package dev.onelog.bench.cleanup;

import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Keys drawn uniformly, with repeats, from a fixed number of distinct keys: record {@code i} gets
 * key number {@link #draw}(i), the same in every scenario and run. Key number {@code k} is {@code
 * keyBytes} bytes whose first eight are a bijective mix of {@code k} (so distinct numbers give
 * distinct keys, spread over the key index's b-tree as real keys are) and the rest zero. Immutable.
 */
final class KeySpace {
  private final long keys;
  private final int keyBytes;

  KeySpace(long keys, int keyBytes) {
    if (keys < 1 || keys > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "keys must be 1.." + Integer.MAX_VALUE + " (a BitSet marks the ones used), was " + keys);
    }
    if (keyBytes < Long.BYTES) {
      throw new IllegalArgumentException(
          "keyBytes must be at least 8 for the cleanup scenarios' keys, was " + keyBytes);
    }
    this.keys = keys;
    this.keyBytes = keyBytes;
  }

  long keys() {
    return keys;
  }

  /** The key number of record {@code i}. */
  long draw(long i) {
    return Math.floorMod(mix(i + 0x5DEECE66DL), keys);
  }

  /** The key of record {@code i}. */
  byte[] keyOfRecord(long i) {
    return key(draw(i));
  }

  /** The key numbers records {@code 0 .. records-1} use. */
  BitSet used(long records) {
    BitSet used = new BitSet((int) keys);
    for (long i = 0; i < records; i++) {
      used.set((int) draw(i));
    }
    return used;
  }

  /** Key number {@code k}'s bytes. */
  byte[] key(long k) {
    byte[] key = new byte[keyBytes];
    ByteBuffer.wrap(key).putLong(0, mix(k ^ 0x2545F4914F6CDD1DL));
    return key;
  }

  /** SplitMix64's finalizer: a bijection of longs that scatters neighbours. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
