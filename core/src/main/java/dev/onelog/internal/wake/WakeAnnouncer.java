package dev.onelog.internal.wake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's half of the wake file: a commit listener that, while some process watches the file,
 * writes the 8-byte count of announcements at offset 0 after each commit (see the package doc for
 * the format). Whether anyone watches is asked at most every {@link #CHECK_INTERVAL_NANOS}, at a
 * commit, by trying an exclusive lock on the whole file: got it, nobody holds the watchers' shared
 * lock, and it is let go at once; refused (or {@link OverlappingFileLockException}: this JVM itself
 * watches), someone watches. So a writer nobody watches pays a {@code stat} and a lock attempt (or
 * a failed {@code open}) per 100 ms of commits, and one that is watched a {@code pwrite} per
 * commit.
 *
 * <p>The writer never makes the file: a watcher does, so a log that was never watched leaves
 * nothing in the wake directory, and the look costs a failed {@code open} instead. The file is
 * opened at the first look that finds it, and again when it was replaced (another file key at its
 * path, or none) or a write failed. An I/O failure never reaches the writer: it is logged at debug
 * and the next look tries again; meanwhile consumers elsewhere poll as they always could.
 *
 * <p>Thread-safe: {@link #run} is called on the writer thread and {@link #close} by the log's
 * close; every field below is guarded by this.
 */
final class WakeAnnouncer implements Runnable, AutoCloseable {
  static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final Logger log = LoggerFactory.getLogger(WakeAnnouncer.class);

  private final Path file;
  private final LongSupplier nanoClock;
  private final ByteBuffer announcementBytes = ByteBuffer.allocate(Long.BYTES);

  private FileChannel channel;

  /** The file key of the file {@code channel} has open; null where the platform has none. */
  private Object fileKey;

  private boolean checkedOnce;
  private long checkedAtNanos;
  private boolean watched;
  private long announcements;
  private boolean closed;

  /**
   * @param nanoClock {@link System#nanoTime} but in tests
   */
  WakeAnnouncer(Path file, LongSupplier nanoClock) {
    this.file = file;
    this.nanoClock = nanoClock;
  }

  /** After a commit: announces it when someone watches. Returns at once; never throws. */
  @Override
  public synchronized void run() {
    if (closed) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (!checkedOnce || now - checkedAtNanos >= CHECK_INTERVAL_NANOS) {
      checkedOnce = true;
      checkedAtNanos = now;
      watched = someoneWatches();
    }
    if (!watched) {
      return;
    }
    try {
      announcementBytes.clear();
      announcementBytes.putLong(0, ++announcements);
      channel.write(announcementBytes, 0);
    } catch (IOException e) {
      log.debug("announcing a commit in {} failed; consumers elsewhere will poll", file, e);
      closeChannel();
      watched = false;
    }
  }

  /** How many commits were announced so far. */
  synchronized long announcements() {
    return announcements;
  }

  private boolean someoneWatches() {
    try {
      if (channel == null || replaced()) {
        closeChannel();
        try {
          channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
          return false; // a watcher makes the file: no file, nobody ever watched
        }
        fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      }
      FileLock lock;
      try {
        lock = channel.tryLock(0, Long.MAX_VALUE, false);
      } catch (OverlappingFileLockException e) {
        return true; // this JVM holds the watchers' shared lock
      }
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (IOException e) {
      log.debug("looking for watchers of {} failed; consumers elsewhere will poll", file, e);
      closeChannel();
      return false;
    }
  }

  private boolean replaced() throws IOException {
    try {
      Object now = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      return fileKey != null && !Objects.equals(now, fileKey);
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing {} failed", file, e);
      }
      channel = null;
      fileKey = null;
    }
  }

  /** Stops announcing and closes the file. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    closeChannel();
  }
}
