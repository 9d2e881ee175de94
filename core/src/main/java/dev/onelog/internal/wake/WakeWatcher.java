package dev.onelog.internal.wake;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watching half of the wake files: one {@link WatchService} (inotify on Linux) and one daemon
 * thread, {@code onelog-wake-watcher}, per wake directory in this JVM, which runs the wake-ups
 * registered for a wake file when it is created or modified (all of them when events were lost).
 * For each file watched, this JVM holds one channel and one shared lock on the whole file, so that
 * writers know someone watches (see {@link WakeAnnouncer}); the lock is held while at least one
 * registration lasts. One per JVM, not per log, because POSIX record locks belong to the process: a
 * second lock on the same file from this JVM would be refused, and closing any channel on it would
 * drop the lock. When the last registration of a directory ends, its thread stops.
 *
 * <p>Thread-safe. {@code running} is guarded by {@code WakeWatcher.class}, which is held while a
 * registration starts or ends; {@code files} by the watcher's own monitor.
 */
final class WakeWatcher {
  /** Tries at the shared lock while a writer holds its exclusive one for an instant. */
  private static final int LOCK_ATTEMPTS = 20;

  private static final long LOCK_RETRY_MILLIS = 1;

  private static final Logger log = LoggerFactory.getLogger(WakeWatcher.class);

  /** The running watchers, by directory. Guarded by WakeWatcher.class. */
  private static final Map<Path, WakeWatcher> running = new HashMap<>();

  private final Path directory;
  private final WatchService service;
  private final Thread thread;

  /** The files watched, by file name. Guarded by this. */
  private final Map<Path, Watched> files = new HashMap<>();

  /** One watched file: its shared lock and the wake-ups registered for it. */
  private static final class Watched {
    final FileChannel channel;
    final FileLock lock;
    final List<Runnable> wakeUps = new ArrayList<>();

    Watched(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }
  }

  private WakeWatcher(Path directory, WatchService service) {
    this.directory = directory;
    this.service = service;
    this.thread = new Thread(this::watch, "onelog-wake-watcher");
    thread.setDaemon(true);
  }

  /**
   * Runs {@code wakeUp} on the watcher's thread whenever {@code wakeFile} is created or modified,
   * until the returned handle is closed; it must return at once. Holds the file's shared lock
   * meanwhile.
   *
   * @throws IOException when the directory, the file or the lock cannot be had; nothing is left
   *     registered then
   */
  static AutoCloseable watch(Path wakeFile, Runnable wakeUp) throws IOException {
    Path directory = wakeFile.getParent();
    Path name = wakeFile.getFileName();
    synchronized (WakeWatcher.class) {
      WakeFiles.prepareDirectory(wakeFile);
      WakeWatcher watcher = running.get(directory);
      if (watcher == null) {
        watcher = start(directory);
      }
      try {
        watcher.add(wakeFile, wakeUp);
      } catch (IOException | RuntimeException e) {
        watcher.stopIfIdle();
        throw e;
      }
      WakeWatcher registered = watcher;
      return () -> registered.remove(name, wakeUp);
    }
  }

  /** Whether a watcher thread runs for {@code directory}; for tests. */
  static boolean isRunning(Path directory) {
    synchronized (WakeWatcher.class) {
      WakeWatcher watcher = running.get(directory);
      return watcher != null && watcher.thread.isAlive();
    }
  }

  private static WakeWatcher start(Path directory) throws IOException {
    WatchService service = directory.getFileSystem().newWatchService();
    try {
      directory.register(
          service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
    WakeWatcher watcher = new WakeWatcher(directory, service);
    running.put(directory, watcher);
    watcher.thread.start();
    return watcher;
  }

  private void add(Path wakeFile, Runnable wakeUp) throws IOException {
    Path name = wakeFile.getFileName();
    synchronized (this) {
      Watched watched = files.get(name);
      if (watched == null) {
        watched = lockShared(wakeFile);
        files.put(name, watched);
      }
      watched.wakeUps.add(wakeUp);
    }
  }

  private static Watched lockShared(Path wakeFile) throws IOException {
    FileChannel channel =
        FileChannel.open(
            wakeFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
        try {
          FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
          if (lock != null) {
            return new Watched(channel, lock);
          }
        } catch (OverlappingFileLockException e) {
          // this JVM's writer is asking whether anyone watches: it lets go at once
        }
        Thread.sleep(LOCK_RETRY_MILLIS);
      }
      throw new IOException("the shared lock on " + wakeFile + " stayed taken");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.close();
      throw new IOException("interrupted while locking " + wakeFile, e);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private void remove(Path name, Runnable wakeUp) {
    synchronized (WakeWatcher.class) {
      synchronized (this) {
        Watched watched = files.get(name);
        if (watched == null || !watched.wakeUps.remove(wakeUp) || !watched.wakeUps.isEmpty()) {
          return;
        }
        files.remove(name);
        try {
          watched.lock.release();
          watched.channel.close();
        } catch (IOException e) {
          log.debug("releasing the wake file {} failed", directory.resolve(name), e);
        }
      }
      stopIfIdle();
    }
  }

  /** Called holding WakeWatcher.class. */
  private void stopIfIdle() {
    synchronized (this) {
      if (!files.isEmpty()) {
        return;
      }
    }
    if (running.get(directory) == this) {
      running.remove(directory);
    }
    try {
      service.close(); // ends take() on the thread
    } catch (IOException e) {
      log.debug("closing the watch on {} failed", directory, e);
    }
  }

  private void watch() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      }
      Set<Runnable> toWake = new LinkedHashSet<>();
      synchronized (this) {
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            files.values().forEach(w -> toWake.addAll(w.wakeUps));
          } else {
            Watched watched = files.get((Path) event.context());
            if (watched != null) {
              toWake.addAll(watched.wakeUps);
            }
          }
        }
      }
      for (Runnable wakeUp : toWake) {
        try {
          wakeUp.run();
        } catch (RuntimeException e) {
          log.warn("a wake-up of {} threw", directory, e);
        }
      }
      if (!key.reset()) {
        log.debug("{} is no longer watched (removed?); consumers poll", directory);
        synchronized (WakeWatcher.class) {
          if (running.get(directory) == this) {
            running.remove(directory);
          }
        }
        return;
      }
    }
  }
}
