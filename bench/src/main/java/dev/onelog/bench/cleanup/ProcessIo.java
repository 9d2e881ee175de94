package dev.onelog.bench.cleanup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes this process has passed to {@code write} and {@code pwrite} so far (Linux {@code wchar} in
 * {@code /proc/self/io}): the WAL frames SQLite wrote and the checkpoints that copied them into the
 * file. Divided by the records appended, it shows the write amplification of an index whose pages
 * each commit rewrites whole. -1 where {@code /proc} is missing.
 */
final class ProcessIo {
  private ProcessIo() {}

  static long writtenBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring("wchar:".length()).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
