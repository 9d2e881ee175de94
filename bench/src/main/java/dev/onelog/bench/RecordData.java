package dev.onelog.bench;

import java.util.Random;

/**
 * The workload's keys and values: random bytes from a fixed seed, drawn from a pool of 4096 so that
 * generating them costs neither time nor heap during a measurement. Key i and value i are the same
 * for every scenario and system.
 */
public final class RecordData {
  private static final int POOL = 4096;
  private final byte[][] keys; // null: records without keys
  private final byte[][] values;

  public RecordData(int keyBytes, int valueBytes) {
    Random random = new Random(42);
    keys = keyBytes == 0 ? null : new byte[POOL][keyBytes];
    values = new byte[POOL][valueBytes];
    for (int i = 0; i < POOL; i++) {
      if (keys != null) {
        random.nextBytes(keys[i]);
      }
      random.nextBytes(values[i]);
    }
  }

  /** Key i, or null with a key size of 0 (records without keys). */
  public byte[] key(long i) {
    return keys == null ? null : keys[(int) (i % POOL)];
  }

  public byte[] value(long i) {
    return values[(int) ((i * 7) % POOL)];
  }
}
