package dev.onelog.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak heap and peak resident memory of this JVM, for a scenario's report. */
public final class ProcessMemory {
  private ProcessMemory() {}

  /**
   * The sum of each heap pool's peak use since the JVM started, in MiB: an upper bound of the peak
   * heap.
   */
  public static double peakHeapMiB() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes / (1024.0 * 1024.0);
  }

  /** The most memory this process has held resident (Linux VmHWM), in MiB; NaN elsewhere. */
  public static double peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
