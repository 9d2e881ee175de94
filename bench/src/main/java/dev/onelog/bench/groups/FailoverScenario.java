package dev.onelog.bench.groups;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.Scenario;
import dev.onelog.bench.groups.MemberProcess.Event;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.GroupState;
import dev.onelog.group.MemberDescription;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How long a dead or departing member's partitions go unconsumed. {@code extra memberProcesses}
 * (default 3) child JVMs each run one member ({@link FailoverMemberMain}) of one group on a topic
 * of {@code extra groupPartitions} (default 6), with {@code extra sessionTimeoutMs} (default
 * 10,000) and the default heartbeat interval (1 s); this JVM's producer sends {@code extra
 * ratePerSec} (default 2,000) records a second round the partitions all along. Once every partition
 * is held and consumed and the group is stable, and 1.5 s later, the first child is stopped: with
 * {@code extra stop=kill} by SIGKILL ({@code Process.destroyForcibly}; the clock starts just before
 * it), with {@code stop=close} by its member's {@code close()} (the clock starts when the child
 * calls it). The clock stops, for each partition the child held, when a surviving member processes
 * that partition's first record; {@code resumeMs} is the last of them, {@code firstResumeMs} the
 * first, {@code reassignMs} the last {@code onPartitionsAssigned} of them in a survivor. {@code
 * survivorRevokedPartitions} counts partitions the survivors had to give up meanwhile (cooperative
 * sticky assignment: none expected), {@code commitFailures} the commits any member had refused
 * during the whole run (a member whose session expired while it lived: none expected), and {@code
 * peakHeartbeatAgeMs} the oldest heartbeat of a live member the file showed ({@link
 * HeartbeatWatch}): about the heartbeat interval, 1 s, unless heartbeats stall; {@code
 * peakHeartbeatStampLagMs} the longest a heartbeat's write took from its stamp to its commit. When
 * a live member expires and joins again before the stop, the scenario waits for the group to settle
 * again ({@code settleAttempts} counts the tries, 1 when nothing moved).
 */
final class FailoverScenario implements Scenario {
  static final String GROUP = "failover";
  static final String TOPIC = "orders";
  private static final String CHILD_HEAP = "128m";
  private static final int MAX_SETTLE_ATTEMPTS = 5;

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    boolean kill =
        switch (options.extra("stop", "kill")) {
          case "kill" -> true;
          case "close" -> false;
          default ->
              throw new IllegalArgumentException(
                  "stop must be kill or close, was '" + options.extra("stop", "") + "'");
        };
    long sessionTimeoutMs = Long.parseLong(options.extra("sessionTimeoutMs", "10000"));
    int processes = Integer.parseInt(options.extra("memberProcesses", "3"));
    int partitions = Integer.parseInt(options.extra("groupPartitions", "6"));
    int ratePerSec = Integer.parseInt(options.extra("ratePerSec", "2000"));
    Path file = workDir.resolve("bench.db");
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    List<MemberProcess> children = new ArrayList<>();
    try (OneLog log = OneLog.builder(file).durability(Durability.FSYNC).open()) {
      log.createTopic(TopicSpec.named(TOPIC).withPartitions(partitions));
      try (PacedProducer producer =
              PacedProducer.start(log, TOPIC, partitions, ratePerSec, options);
          HeartbeatWatch heartbeats = new HeartbeatWatch(log, GROUP)) {
        for (int i = 0; i < processes; i++) {
          children.add(
              MemberProcess.start(
                  i,
                  CHILD_HEAP,
                  FailoverMemberMain.class,
                  List.of(file.toString(), GROUP, TOPIC, Long.toString(sessionTimeoutMs)),
                  events));
        }
        Group group = new Group(processes);
        MemberProcess victim = children.get(0);
        Set<String> moving;
        int attempts = 0;
        while (true) {
          attempts++;
          awaitStable(log, group, events, partitions);
          group.drainFor(events, 1_500);
          moving = new TreeSet<>(group.held.get(0));
          String disagreement = fileDisagrees(log, group.memberIds.get(0), moving);
          if (disagreement == null) {
            break;
          }
          // A live member expired (heartbeats late past the session timeout) and joined again:
          // wait for the group to settle again rather than stop a member mid-move.
          if (attempts == MAX_SETTLE_ATTEMPTS) {
            throw new IllegalStateException(
                disagreement + ", " + attempts + " times; the group never held still");
          }
          System.err.println("  [group-failover] not stopping yet: " + disagreement);
        }
        heartbeats.ignore(group.memberIds.get(0));
        Map<String, Object> figures = new LinkedHashMap<>();
        long stoppedAt = 0;
        long closedAt = 0;
        if (kill) {
          stoppedAt = System.nanoTime();
          victim.kill();
        } else {
          victim.tell("CLOSE");
        }
        // Survivors' events carry their own clock readings, and the children's lines reach the
        // queue through separate pipes, so a survivor's may come before the stopped child's
        // CLOSING: keep absolute times and subtract once both are known.
        Map<String, Long> first = new HashMap<>();
        Map<String, Long> assigned = new HashMap<>();
        int survivorRevoked = 0;
        long deadline = System.nanoTime() + (sessionTimeoutMs + 60_000) * 1_000_000L;
        while (first.size() < moving.size() || !kill && closedAt == 0) {
          Event event = events.poll(20, TimeUnit.MILLISECONDS);
          if (event == null) {
            if (System.nanoTime() - deadline > 0) {
              throw new IllegalStateException(
                  "partitions "
                      + moving
                      + " of the stopped member were not all consumed again within "
                      + (sessionTimeoutMs + 60_000)
                      + " ms; consumed again: "
                      + first.keySet()
                      + "; group: "
                      + log.groups().describe(GROUP));
            }
            continue;
          }
          group.apply(event);
          if (event.child() == 0) {
            switch (event.type()) {
              case "CLOSING" -> stoppedAt = event.nanos();
              case "CLOSED" -> closedAt = event.nanos();
              case "EXIT" -> {
                if (!kill && closedAt == 0) {
                  Group.failOnExit(event);
                }
              }
              default -> {}
            }
            continue;
          }
          Group.failOnExit(event);
          List<String> named = event.args().subList(1, event.args().size());
          switch (event.type()) {
            case "FIRST" -> {
              if (moving.contains(named.get(0))) {
                first.putIfAbsent(named.get(0), event.nanos());
              }
            }
            case "ASSIGNED" -> {
              for (String p : named) {
                if (moving.contains(p)) {
                  assigned.putIfAbsent(p, event.nanos());
                }
              }
            }
            case "REVOKED" -> survivorRevoked += named.size();
            default -> {}
          }
        }
        if (!kill) {
          figures.put("closeCallMs", (closedAt - stoppedAt) / 1e6);
        }
        long from = stoppedAt;
        first.replaceAll((p, at) -> at - from);
        assigned.replaceAll((p, at) -> at - from);
        if (assigned.size() != moving.size() || min(assigned) < 0) {
          throw new IllegalStateException(
              "a survivor was assigned "
                  + moving
                  + " before the member holding them was stopped (its session expired just"
                  + " before); these figures would mean nothing: run again");
        }
        figures.put("resumeMs", max(first) / 1e6);
        figures.put("firstResumeMs", min(first) / 1e6);
        figures.put("reassignMs", max(assigned) / 1e6);
        figures.put("partitionsMoved", moving.size());
        figures.put("survivorRevokedPartitions", survivorRevoked);
        figures.put("commitFailures", group.commitFailures);
        figures.put("peakHeartbeatAgeMs", heartbeats.peakAgeMs());
        figures.put("peakHeartbeatStampLagMs", heartbeats.peakStampLagMs());
        figures.put("settleAttempts", attempts);
        figures.put("sessionTimeoutMs", sessionTimeoutMs);
        figures.put("stop", kill ? "kill" : "close");
        for (MemberProcess child : children) {
          if (child.index() != 0) {
            child.tell("CLOSE");
          }
        }
        for (MemberProcess child : children) {
          int exit = child.awaitExit(30);
          if (child.index() != 0 || !kill) {
            if (exit != 0) {
              throw new IllegalStateException(
                  "member process " + child.index() + " exited with " + exit);
            }
          }
        }
        figures.put("producedRecords", producer.stop());
        return figures;
      }
    } finally {
      for (MemberProcess child : children) {
        child.close();
      }
    }
  }

  /** What the children said so far: their member ids and the partitions each holds. */
  private static final class Group {
    final List<String> memberIds = new ArrayList<>();
    final List<Set<String>> held = new ArrayList<>();
    final List<Set<String>> consuming = new ArrayList<>();
    int commitFailures;

    Group(int processes) {
      for (int i = 0; i < processes; i++) {
        memberIds.add(null);
        held.add(new HashSet<>());
        consuming.add(new HashSet<>());
      }
    }

    void apply(Event event) {
      int i = event.child();
      List<String> partitions =
          event.args().size() > 1 ? event.args().subList(1, event.args().size()) : List.of();
      switch (event.type()) {
        case "READY", "MEMBER" -> memberIds.set(i, event.args().get(0));
        case "COMMITFAILED" -> commitFailures++;
        case "ASSIGNED" -> held.get(i).addAll(partitions);
        case "REVOKED" -> {
          held.get(i).removeAll(partitions);
          consuming.get(i).removeAll(partitions);
        }
        case "FIRST" -> consuming.get(i).add(partitions.get(0));
        default -> {}
      }
    }

    /** Every child in, every partition held by one of them and consumed since. */
    boolean settled(int partitions) {
      Set<String> all = new HashSet<>();
      for (int i = 0; i < held.size(); i++) {
        if (memberIds.get(i) == null
            || held.get(i).isEmpty()
            || !consuming.get(i).containsAll(held.get(i))) {
          return false;
        }
        all.addAll(held.get(i));
      }
      return all.size() == partitions;
    }

    void drainFor(BlockingQueue<Event> events, long millis) throws InterruptedException {
      long end = System.nanoTime() + millis * 1_000_000L;
      long left;
      while ((left = end - System.nanoTime()) > 0) {
        Event event = events.poll(left, TimeUnit.NANOSECONDS);
        if (event != null) {
          failOnExit(event);
          apply(event);
        }
      }
    }

    static void failOnExit(Event event) {
      if (event.type().equals("EXIT")) {
        throw new IllegalStateException(
            "member process " + event.child() + " ended early; see its output above");
      }
    }
  }

  private static void awaitStable(
      OneLog log, Group group, BlockingQueue<Event> events, int partitions) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Event event = events.poll(20, TimeUnit.MILLISECONDS);
      if (event != null) {
        Group.failOnExit(event);
        group.apply(event);
        continue;
      }
      if (group.settled(partitions)) {
        GroupDescription description = log.groups().describe(GROUP);
        if (description.state() == GroupState.STABLE
            && description.members().size() == group.held.size()) {
          return;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the group did not settle within 60 s; children hold "
                + group.held
                + ", consuming "
                + group.consuming
                + "; file: "
                + log.groups().describe(GROUP));
      }
    }
  }

  /**
   * Null when the child's own account of its partitions is the file's and the group is stable;
   * otherwise what differs.
   */
  private static String fileDisagrees(OneLog log, String memberId, Set<String> partitions) {
    GroupDescription description = log.groups().describe(GROUP);
    if (description.state() != GroupState.STABLE) {
      return "the group is " + description.state();
    }
    for (MemberDescription member : description.members()) {
      if (member.memberId().equals(memberId)) {
        Set<String> owned = new TreeSet<>();
        member.owned().forEach(p -> owned.add(p.toString()));
        return owned.equals(partitions)
            ? null
            : "member " + memberId + " says it holds " + partitions + ", the file says " + owned;
      }
    }
    return "member " + memberId + " is not in the file's group";
  }

  private static long max(Map<String, Long> nanos) {
    return nanos.values().stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  private static long min(Map<String, Long> nanos) {
    return nanos.values().stream().mapToLong(Long::longValue).min().orElseThrow();
  }
}
