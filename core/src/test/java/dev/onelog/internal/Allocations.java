package dev.onelog.internal;

import java.lang.management.ManagementFactory;

/**
 * Measures the heap bytes a decoder allocates on the current thread, so that a fuzz test can assert
 * the decoder allocates in proportion to its input, not to a length field it read. The JVM's
 * default heap would let a 2 GiB {@code new byte[length]} succeed and then fail on the short input
 * with a typed exception; only counting the bytes shows it. Uses HotSpot's per-thread counter
 * ({@code com.sun.management.ThreadMXBean}). Stateless.
 */
public final class Allocations {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocations() {}

  /**
   * Runs {@code decoder} twice, counting only the second run: the first loads and initialises
   * classes (string concatenation, charset decoders), megabytes that say nothing of the input.
   *
   * @throws AssertionError when the second run allocated more than {@code maxBytes}
   */
  public static void assertAtMost(long maxBytes, String what, Runnable decoder) {
    decoder.run();
    long start = THREADS.getCurrentThreadAllocatedBytes();
    decoder.run();
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - start;
    if (allocated > maxBytes) {
      throw new AssertionError(
          what + " allocated " + allocated + " bytes; the bound for its input is " + maxBytes);
    }
  }
}
