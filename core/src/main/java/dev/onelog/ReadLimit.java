package dev.onelog;

/**
 * How much one read may return: at most {@code maxRecords} records and, past the first record, at
 * most {@code maxBytes} of keys, values and headers. A read always returns at least one record when
 * one exists, however large, so a consumer never stalls on a big record.
 */
public record ReadLimit(int maxRecords, long maxBytes) {
  /** 1000 records or 4 MiB, whichever comes first. */
  public static final ReadLimit DEFAULT = new ReadLimit(1000, 4L << 20);

  public ReadLimit {
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords < 1: " + maxRecords);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes < 1: " + maxBytes);
    }
  }

  public static ReadLimit records(int maxRecords) {
    return new ReadLimit(maxRecords, DEFAULT.maxBytes);
  }

  public ReadLimit withMaxBytes(long bytes) {
    return new ReadLimit(maxRecords, bytes);
  }
}
