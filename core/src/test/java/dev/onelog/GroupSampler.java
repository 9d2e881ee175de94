package dev.onelog;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Watches one group's rows in a log file from outside, as another program would with SQL: every
 * {@code interval} it reads {@code consumer_groups}, {@code group_members}, {@code
 * group_partitions}, {@code group_offsets} and the topic's {@code partitions} in one read
 * transaction, on a read-only sqlite-jdbc connection of its own, and checks the sample:
 *
 * <ol>
 *   <li>every lease's {@code owner_member} is a row of {@code group_members} of the group;
 *   <li>every {@code target_member} is too;
 *   <li>no {@code owner_generation} is above the group's generation, and the generation never goes
 *       down from one sample to the next;
 *   <li>while some member is live (and so syncs the group), no member row outlives its session
 *       timeout by more than {@code slack} (the heartbeat interval of the members that expire it
 *       and the time their write waits), so no lease is held by such a member either;
 *   <li>while the group has members, each of the topic's partitions is assigned to one of them, and
 *       their shares differ by one at most (the sticky assignor balances in every step);
 *   <li>a committed offset is at most the partition's next offset, and never goes down;
 *   <li>over all samples, a lease (partition, {@code owner_generation}) has one owner only: a
 *       partition changes hands only in a later generation.
 * </ol>
 *
 * At most one owner per partition at a time needs no check: it is the table's primary key. {@link
 * #call} runs until {@link #stop}, then returns what it saw; the checks' failures are collected in
 * the summary rather than thrown, so the test can stop its processes before it fails. Thread-safe:
 * {@code latest} and {@code stopped} are volatile; everything else is confined to the sampling
 * thread.
 */
final class GroupSampler implements Callable<GroupSampler.Summary> {
  record Member(String memberId, long sessionTimeoutMs, long heartbeatAtMs) {}

  record Lease(int partition, String target, String owner, long ownerGeneration) {}

  /** One read transaction's view; {@code takenAtMs} is the wall clock just before it began. */
  record Sample(
      long takenAtMs,
      long generation,
      Map<String, Member> members,
      Map<Integer, Lease> leases,
      Map<Integer, Long> committed,
      Map<Integer, Long> nextOffsets) {

    /** The partitions whose lease this member holds. */
    List<Integer> ownedBy(String memberId) {
      return leases.values().stream()
          .filter(l -> memberId.equals(l.owner()))
          .map(Lease::partition)
          .sorted()
          .toList();
    }

    /** Every partition is held by the member it is assigned to. */
    boolean isSettled() {
      return leases.size() > 0
          && leases.values().stream()
              .allMatch(l -> l.owner() != null && l.owner().equals(l.target()));
    }
  }

  record Summary(
      int samples, long maxGeneration, Map<String, String> leaseOwners, List<String> violations) {}

  private static final int MAX_VIOLATIONS = 20;

  private final Path file;
  private final String group;
  private final String topic;
  private final int partitions;
  private final Duration interval;
  private final Duration slack;
  private final List<String> violations = new ArrayList<>();
  private final Map<String, String> leaseOwners = new TreeMap<>();
  private volatile Sample latest;
  private volatile boolean stopped;

  GroupSampler(
      Path file, String group, String topic, int partitions, Duration interval, Duration slack) {
    this.file = file;
    this.group = group;
    this.topic = topic;
    this.partitions = partitions;
    this.interval = interval;
    this.slack = slack;
  }

  /** The last sample taken, or null before the first. */
  Sample latest() {
    return latest;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public Summary call() throws SQLException, InterruptedException {
    int samples = 0;
    long maxGeneration = -1;
    Sample previous = null;
    try (Connection c = ChildMember.readOnly(file)) {
      while (!stopped) {
        Sample sample = read(c);
        check(sample, previous);
        latest = sample;
        previous = sample;
        samples++;
        maxGeneration = Math.max(maxGeneration, sample.generation());
        TimeUnit.MILLISECONDS.sleep(interval.toMillis());
      }
    }
    return new Summary(
        samples, maxGeneration, Map.copyOf(leaseOwners), Collections.unmodifiableList(violations));
  }

  private Sample read(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
      try {
        long takenAt = System.currentTimeMillis();
        long generation = -1;
        try (PreparedStatement select =
            c.prepareStatement("SELECT generation FROM consumer_groups WHERE group_id = ?")) {
          select.setString(1, group);
          try (ResultSet rs = select.executeQuery()) {
            if (rs.next()) {
              generation = rs.getLong(1);
            }
          }
        }
        Map<String, Member> members = new HashMap<>();
        try (PreparedStatement select =
            c.prepareStatement(
                "SELECT member_id, session_timeout_ms, heartbeat_at_ms FROM group_members"
                    + " WHERE group_id = ?")) {
          select.setString(1, group);
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              members.put(
                  rs.getString(1), new Member(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
          }
        }
        Map<Integer, Lease> leases = new TreeMap<>();
        try (PreparedStatement select =
            c.prepareStatement(
                "SELECT gp.partition, gp.target_member, gp.owner_member, gp.owner_generation"
                    + " FROM group_partitions gp JOIN topics t ON t.id = gp.topic_id"
                    + " WHERE gp.group_id = ? AND t.name = ?")) {
          select.setString(1, group);
          select.setString(2, topic);
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              leases.put(
                  rs.getInt(1),
                  new Lease(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
          }
        }
        Map<Integer, Long> committed = partitionLongs(c, "group_offsets", "committed_offset");
        Map<Integer, Long> next = partitionLongs(c, "partitions", "next_offset");
        return new Sample(takenAt, generation, members, leases, committed, next);
      } finally {
        s.execute("COMMIT");
      }
    }
  }

  private Map<Integer, Long> partitionLongs(Connection c, String table, String column)
      throws SQLException {
    boolean grouped = table.equals("group_offsets");
    try (PreparedStatement select =
        c.prepareStatement(
            "SELECT x.partition, x."
                + column
                + " FROM "
                + table
                + " x JOIN topics t ON t.id = x.topic_id WHERE t.name = ?"
                + (grouped ? " AND x.group_id = ?" : ""))) {
      select.setString(1, topic);
      if (grouped) {
        select.setString(2, group);
      }
      Map<Integer, Long> values = new TreeMap<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          values.put(rs.getInt(1), rs.getLong(2));
        }
      }
      return values;
    }
  }

  private void check(Sample s, Sample previous) {
    long slackMs = slack.toMillis();
    boolean anyLive = false;
    for (Member m : s.members().values()) {
      anyLive |= s.takenAtMs() - m.heartbeatAtMs() <= m.sessionTimeoutMs();
    }
    for (Lease lease : s.leases().values()) {
      int p = lease.partition();
      if (lease.owner() != null) {
        Member owner = s.members().get(lease.owner());
        if (owner == null) {
          violation(s, "1: partition " + p + " is held by " + lease.owner() + ", not a member");
        } else if (anyLive
            && s.takenAtMs() - owner.heartbeatAtMs() > owner.sessionTimeoutMs() + slackMs) {
          violation(
              s,
              "4: partition "
                  + p
                  + " is held by "
                  + owner.memberId()
                  + ", whose last heartbeat is "
                  + (s.takenAtMs() - owner.heartbeatAtMs())
                  + " ms old; its session timeout is "
                  + owner.sessionTimeoutMs()
                  + " ms");
        }
        if (lease.ownerGeneration() > s.generation()) {
          violation(s, "3: partition " + p + "'s lease is of a later generation than the group's");
        }
        String key = p + "@" + lease.ownerGeneration();
        String was = leaseOwners.putIfAbsent(key, lease.owner());
        if (was != null && !was.equals(lease.owner())) {
          violation(
              s,
              "7: lease "
                  + key
                  + " (partition@owner_generation) was held by "
                  + was
                  + " and now by "
                  + lease.owner());
        }
      }
      if (lease.target() != null && !s.members().containsKey(lease.target())) {
        violation(s, "2: partition " + p + " is assigned to " + lease.target() + ", not a member");
      }
    }
    if (anyLive) {
      for (Member m : s.members().values()) {
        if (s.takenAtMs() - m.heartbeatAtMs() > m.sessionTimeoutMs() + slackMs) {
          violation(s, "4: member " + m.memberId() + " outlived its session by more than " + slack);
        }
      }
    }
    if (!s.members().isEmpty()) {
      Map<String, Integer> shares = new HashMap<>();
      s.members().keySet().forEach(m -> shares.put(m, 0));
      for (int p = 0; p < partitions; p++) {
        Lease lease = s.leases().get(p);
        if (lease == null || lease.target() == null) {
          violation(s, "5: partition " + p + " is assigned to nobody");
        } else {
          shares.merge(lease.target(), 1, Integer::sum);
        }
      }
      int most = Collections.max(shares.values());
      int fewest = Collections.min(shares.values());
      if (most - fewest > 1) {
        violation(s, "5: shares are unbalanced: " + shares);
      }
    }
    for (Map.Entry<Integer, Long> committed : s.committed().entrySet()) {
      int p = committed.getKey();
      long next = s.nextOffsets().getOrDefault(p, 0L);
      if (committed.getValue() > next) {
        violation(s, "6: partition " + p + " committed " + committed.getValue() + " > " + next);
      }
      Long before = previous == null ? null : previous.committed().get(p);
      if (before != null && committed.getValue() < before) {
        violation(
            s,
            "6: partition "
                + p
                + "'s committed offset went down from "
                + before
                + " to "
                + committed.getValue());
      }
    }
    if (previous != null && s.generation() < previous.generation()) {
      violation(
          s, "3: generation went down from " + previous.generation() + " to " + s.generation());
    }
  }

  private void violation(Sample s, String what) {
    if (violations.size() < MAX_VIOLATIONS) {
      violations.add(what + " (in the sample " + s + ")");
    }
  }
}
