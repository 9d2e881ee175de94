package dev.onelog.internal.group;

import dev.onelog.group.Assignor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A member of a group that lives in this process, as the {@link GroupCoordinator} heartbeats it:
 * its identity and settings (immutable; a member that rejoins is a new {@code LocalMember}), and
 * the state it shares between its poll thread and the writer thread: the latest {@link MemberView}
 * (written by the writer after a commit, volatile) and when it last polled (written by the poll
 * thread, volatile).
 */
public final class LocalMember {
  private final String groupId;
  private final String memberId;
  private final String instanceId;
  private final String client;
  private final Subscription subscription;
  private final Assignor assignor;
  private final long sessionTimeoutMs;
  private final long heartbeatIntervalMs;
  private final long maxPollIntervalMs;
  private final AtomicLong viewVersion = new AtomicLong();
  private volatile MemberView view = MemberView.JOINING;
  private volatile long lastPollNanos = System.nanoTime();

  public LocalMember(
      String groupId,
      String memberId,
      String instanceId,
      String client,
      Subscription subscription,
      Assignor assignor,
      long sessionTimeoutMs,
      long heartbeatIntervalMs,
      long maxPollIntervalMs) {
    this.groupId = groupId;
    this.memberId = memberId;
    this.instanceId = instanceId;
    this.client = client;
    this.subscription = subscription;
    this.assignor = assignor;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.maxPollIntervalMs = maxPollIntervalMs;
  }

  public String groupId() {
    return groupId;
  }

  public String memberId() {
    return memberId;
  }

  public String instanceId() {
    return instanceId;
  }

  public Subscription subscription() {
    return subscription;
  }

  public Assignor assignor() {
    return assignor;
  }

  long heartbeatIntervalMs() {
    return heartbeatIntervalMs;
  }

  MemberRow row(long nowMs) {
    return new MemberRow(
        groupId, memberId, instanceId, client, subscription, sessionTimeoutMs, nowMs, nowMs);
  }

  public MemberView view() {
    return view;
  }

  /** Bumped each time a view is published: a poll that saw another version reconciles. */
  public long viewVersion() {
    return viewVersion.get();
  }

  void publish(MemberView next) {
    view = next;
    viewVersion.incrementAndGet();
  }

  /** Called by the poll thread on each poll. */
  public void polled() {
    lastPollNanos = System.nanoTime();
  }

  /**
   * A member that has not polled for longer than its max poll interval is stuck in processing: it
   * stops heartbeating, so its partitions go to others after its session timeout.
   */
  boolean isPollOverdue(long nowNanos) {
    return nowNanos - lastPollNanos > maxPollIntervalMs * 1_000_000L;
  }

  @Override
  public String toString() {
    return "member " + memberId + " of group " + groupId;
  }
}
