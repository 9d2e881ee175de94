package dev.onelog.bench.groups;

import dev.onelog.OneLog;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.UnknownGroupException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a group's members from the file every 50 ms on a daemon thread and keeps, among the members
 * it is told to watch, the oldest heartbeat it saw ({@link #peakAgeMs}: how close a live member
 * came to its session timeout) and the largest lag between a heartbeat's stamp and the first time
 * the file showed it ({@link #peakStampLagMs}: how long the stamping write took to commit, waiting
 * for the write lock included, give or take the 50 ms between looks). A large age with small lags
 * means heartbeats were not written; a large lag means they were written late. Heartbeats are
 * stamped by each member's process with the system clock, the clock this one reads. A member that
 * is meant to stop is {@link #ignore}d from then on.
 *
 * <p>Thread-safe: the ignored ids are a concurrent set, the peaks atomics; {@code lastStamps} is
 * confined to the watching thread.
 */
final class HeartbeatWatch implements AutoCloseable {
  private static final long INTERVAL_MS = 50;

  private final Set<String> ignored = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastStamps = new HashMap<>();
  private final AtomicLong peakAgeMs = new AtomicLong();
  private final AtomicLong peakStampLagMs = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  HeartbeatWatch(OneLog log, String groupId) {
    thread =
        new Thread(
            () -> {
              while (running) {
                look(log, groupId);
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

  private void look(OneLog log, String groupId) {
    long now = System.currentTimeMillis();
    try {
      for (MemberDescription member : log.groups().describe(groupId).members()) {
        if (ignored.contains(member.memberId())) {
          continue;
        }
        long stamp = member.lastHeartbeat().toEpochMilli();
        peakAgeMs.accumulateAndGet(now - stamp, Math::max);
        Long previous = lastStamps.put(member.memberId(), stamp);
        if (previous != null && previous != stamp) {
          peakStampLagMs.accumulateAndGet(now - stamp, Math::max);
        }
      }
    } catch (UnknownGroupException e) {
      // no member has joined yet
    }
  }

  /** Stops counting this member: it is about to be killed or closed. */
  void ignore(String memberId) {
    ignored.add(memberId);
  }

  /** The oldest heartbeat seen so far among the watched members, in milliseconds. */
  long peakAgeMs() {
    return peakAgeMs.get();
  }

  /** The largest time from a heartbeat's stamp to its first sighting, in milliseconds. */
  long peakStampLagMs() {
    return peakStampLagMs.get();
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
