package dev.onelog.internal.kafka.group;

import dev.onelog.OneLog;
import dev.onelog.OneLogException;
import dev.onelog.group.WireMember;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the coordinator's members into the file's {@code group_members} as wire members ({@link
 * dev.onelog.group.Groups#recordWireMembers}) every {@link #PERIOD}, so that {@code onelog groups}
 * and {@code log.groups().describe} show them and embedded members stay out of their groups. A
 * group is written while it has members and once more when it has none left; each row's session
 * timeout is the member's plus {@link #SLACK}, the longest a refresh may come late. On close, every
 * group written is emptied. Writes on a thread of its own, never on the coordinator's timer.
 */
public final class WireMembersMirror implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WireMembersMirror.class);

  static final Duration PERIOD = Duration.ofSeconds(1);
  static final Duration SLACK = PERIOD.multipliedBy(3);

  private final OneLog file;
  private final GroupCoordinator coordinator;
  private final ScheduledExecutorService thread;

  /** The groups last written with members; the mirror thread's. */
  private final Map<String, List<WireMember>> written = new HashMap<>();

  private WireMembersMirror(OneLog file, GroupCoordinator coordinator) {
    this.file = file;
    this.coordinator = coordinator;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "onelog-kafka-group-rows");
              t.setDaemon(true);
              return t;
            });
  }

  public static WireMembersMirror start(OneLog file, GroupCoordinator coordinator) {
    WireMembersMirror mirror = new WireMembersMirror(file, coordinator);
    mirror.thread.scheduleWithFixedDelay(
        mirror::refresh, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return mirror;
  }

  /** Writes the groups with members, and empties those that had some when last written. */
  void refresh() {
    Map<String, List<WireMember>> now = coordinator.wireMembers(SLACK);
    for (String gone : List.copyOf(written.keySet())) {
      now.putIfAbsent(gone, List.of());
    }
    now.forEach(
        (groupId, members) -> {
          if (members.isEmpty() && !written.containsKey(groupId)) {
            return;
          }
          try {
            file.groups().recordWireMembers(groupId, members);
          } catch (OneLogException e) {
            // A group taken by embedded members meanwhile, or a log closing: the next refresh
            // tries again; the coordinator's own answers are not affected.
            log.debug("could not record the members of group {}: {}", groupId, e.getMessage());
            return;
          }
          if (members.isEmpty()) {
            written.remove(groupId);
          } else {
            written.put(groupId, members);
          }
        });
  }

  /** Stops the refreshes and removes the rows written, so a stopped server leaves none behind. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (String groupId : written.keySet()) {
      try {
        file.groups().recordWireMembers(groupId, List.of());
      } catch (OneLogException e) {
        log.debug("could not remove the members of group {}: {}", groupId, e.getMessage());
      }
    }
    written.clear();
  }
}
