package dev.onelog.bench.groups;

import dev.onelog.OneLog;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.UnknownGroupException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a group's members from the file every 50 ms on a daemon thread and keeps the oldest
 * heartbeat it saw among the members it is told to watch: how close a live member came to its
 * session timeout. Heartbeats are stamped by each member's process with the system clock, the same
 * clock this one reads, so the age is comparable. A member that is meant to stop is {@link
 * #ignore}d from then on.
 *
 * <p>Thread-safe: the ignored ids are a concurrent set, the peak an atomic.
 */
final class HeartbeatWatch implements AutoCloseable {
  private static final long INTERVAL_MS = 50;

  private final Set<String> ignored = ConcurrentHashMap.newKeySet();
  private final AtomicLong peakAgeMs = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  HeartbeatWatch(OneLog log, String groupId) {
    thread =
        new Thread(
            () -> {
              while (running) {
                long now = System.currentTimeMillis();
                try {
                  for (MemberDescription member : log.groups().describe(groupId).members()) {
                    if (!ignored.contains(member.memberId())) {
                      peakAgeMs.accumulateAndGet(
                          now - member.lastHeartbeat().toEpochMilli(), Math::max);
                    }
                  }
                } catch (UnknownGroupException e) {
                  // no member has joined yet
                }
                try {
                  Thread.sleep(INTERVAL_MS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heartbeat-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops counting this member: it is about to be killed or closed. */
  void ignore(String memberId) {
    ignored.add(memberId);
  }

  /** The oldest heartbeat seen so far among the watched members, in milliseconds. */
  long peakAgeMs() {
    return peakAgeMs.get();
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
