package dev.onelog.internal.kafka.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers decided under a group's lock and given after it is released: completing a future runs
 * whatever waits on it (the connection's response writing), which must never run under the lock.
 * Not thread-safe: one per operation, on the thread that runs it.
 */
final class Completions {
  private final List<Runnable> pending = new ArrayList<>();

  <T> void complete(CompletableFuture<T> future, T value) {
    pending.add(() -> future.complete(value));
  }

  /** Completes everything collected; call after releasing the lock. */
  void run() {
    for (Runnable completion : pending) {
      completion.run();
    }
    pending.clear();
  }
}
