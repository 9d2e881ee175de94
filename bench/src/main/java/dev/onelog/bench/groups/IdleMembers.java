package dev.onelog.bench.groups;

import dev.onelog.OneLog;
import dev.onelog.TopicSpec;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.groups.MemberProcess.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Live group members that consume nothing, to measure what membership costs a log that appends:
 * {@code count} members of group {@value #GROUP} on topic {@value #TOPIC} (created here with {@code
 * count} partitions, never written), with the default settings (heartbeat every second, session 10
 * s, auto-commit every 5 s), each polling in a loop ({@code poll(100 ms)}) on a thread of its own.
 * In this process their heartbeats run in the log's writer thread, inside its group commits; in
 * another process ({@link IdleMembersMain}) they heartbeat in that process's own transactions on
 * the same file. Returns once each member holds its one partition. With {@code count} 0, nothing.
 *
 * <p>Used by one thread, the scenario's.
 */
public final class IdleMembers implements AutoCloseable {
  static final String GROUP = "idle";
  static final String TOPIC = "idle";
  static final String THREAD_PREFIX = "idle-member";
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private final MemberThreads here;
  private final MemberProcess there;
  private final BlockingQueue<Event> events;

  private IdleMembers(MemberThreads here, MemberProcess there, BlockingQueue<Event> events) {
    this.here = here;
    this.there = there;
    this.events = events;
  }

  public static IdleMembers start(OneLog log, int count, boolean otherProcess) throws Exception {
    if (count == 0) {
      return new IdleMembers(null, null, null);
    }
    log.createTopic(TopicSpec.named(TOPIC).withPartitions(count));
    if (!otherProcess) {
      MemberThreads members = MemberThreads.open(log, GROUP, TOPIC, count, THREAD_PREFIX, b -> b);
      try {
        members.awaitOnePartitionEach(SETTLE);
        members.startPolling();
      } catch (Exception | Error e) {
        try {
          members.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      return new IdleMembers(members, null, null);
    }
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    MemberProcess child =
        MemberProcess.start(
            0,
            "256m",
            IdleMembersMain.class,
            List.of(log.path().toString(), Integer.toString(count)),
            events);
    IdleMembers members = new IdleMembers(null, child, events);
    try {
      members.await("READY", SETTLE.toMillis() + 30_000);
    } catch (Exception | Error e) {
      child.close();
      throw e;
    }
    return members;
  }

  /**
   * CPU nanoseconds the members have used so far: their poll threads' here (their heartbeats run on
   * the writer thread, counted with it), the whole other JVM's there (its writer and JVM threads
   * included); 0 without members.
   */
  public long cpuNanos() throws Exception {
    if (here != null) {
      return CpuTime.threadsNanos(THREAD_PREFIX + "-");
    }
    if (there != null) {
      there.tell("CPU");
      return await("CPU", 30_000).nanos();
    }
    return 0;
  }

  private Event await(String type, long millis) throws InterruptedException {
    Event event = events.poll(millis, TimeUnit.MILLISECONDS);
    if (event == null || !event.type().equals(type)) {
      throw new IllegalStateException(
          "the idle members' process did not say " + type + " within " + millis + " ms: " + event);
    }
    return event;
  }

  /** Closes the members (they leave their group) or stops their process; unchecked failures. */
  @Override
  public void close() {
    if (here != null) {
      here.close();
    }
    if (there != null) {
      try {
        there.tell("STOP");
        await("STOPPED", 60_000);
        int exit = there.awaitExit(30);
        if (exit != 0) {
          throw new IllegalStateException("the idle members' process exited with " + exit);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("stopping the idle members' process", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the idle members' process", e);
      } finally {
        there.close();
      }
    }
  }
}
