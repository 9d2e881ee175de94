package dev.onelog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this process and of named threads: a figure that, unlike wall-clock throughput,
 * hardly moves when other processes load the machine, so it shows what a change did to the writer
 * thread's cost per record.
 */
public final class CpuTime {
  private CpuTime() {}

  /**
   * CPU nanoseconds the threads whose name starts with {@code prefix} have used, alive ones only.
   */
  public static long threadsNanos(String prefix) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(prefix)) {
        long nanos = threads.getThreadCpuTime(thread.getId());
        total += Math.max(0, nanos);
      }
    }
    return total;
  }

  /** CPU nanoseconds the whole process has used. */
  public static long processNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
