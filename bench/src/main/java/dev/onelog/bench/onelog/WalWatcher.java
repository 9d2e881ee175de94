package dev.onelog.bench.onelog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the size of a log's {@code -wal} file every 10 ms on a daemon thread, to show that the
 * WAL stays bounded while the writer never stops (checkpoints must keep resetting it).
 */
final class WalWatcher implements AutoCloseable {
  private final AtomicLong peakBytes = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  WalWatcher(Path logFile) {
    Path wal = logFile.resolveSibling(logFile.getFileName() + "-wal");
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  peakBytes.accumulateAndGet(Files.size(wal), Math::max);
                } catch (IOException e) {
                  // not there yet, or between a checkpoint's truncate and the next write
                }
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "wal-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  double peakMiB() {
    return peakBytes.get() / (1024.0 * 1024.0);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
