package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.group.Assignor;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.GroupNotEmptyException;
import dev.onelog.group.GroupState;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.group.OffsetReset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/FORMAT.md section 12.5 is enough for a program that is not a member to commit a group's
 * offsets: {@code format_interop.py commit}, written from the page, commits for a group with no
 * live member (creating the group when it does not exist), and Java reads the offsets and a member
 * of the group starts from them; it refuses while the group has a live member in a Java process,
 * and refuses what Java refuses, storing nothing of the commit. Needs {@code python3} on the PATH.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatGroupCommitIT {
  @TempDir Path dir;
  private Path file;

  private static final TopicPartition ORDERS_0 = TopicPartition.of("orders", 0);
  private static final TopicPartition ORDERS_1 = TopicPartition.of("orders", 1);
  private static final TopicPartition ORDERS_2 = TopicPartition.of("orders", 2);

  @AfterEach
  void checkInvariants() {
    if (file != null && Files.exists(file)) {
      LogInvariants.check(file);
    }
  }

  /**
   * Topic orders, 3 partitions of 10 records each, and group "paused": a static member took the
   * partitions and committed orders-2 at 5 an hour ago by its process's clock, then stopped without
   * leaving (static members do not leave), so its row and leases are still there, expired.
   */
  private void createOrdersAndAnExpiredMember() {
    file = dir.resolve("commit.db");
    try (OneLog log =
        OneLog.builder(file).clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1))).open()) {
      log.createTopic(TopicSpec.named("orders").withPartitions(3));
      for (int i = 0; i < 30; i++) {
        log.append(ProducerRecord.of("orders", null, "order " + i).withPartition(i % 3));
      }
      GroupConsumer paused =
          log.groups()
              .consumer("paused")
              .topics("orders")
              .staticMemberId("pauser")
              .noAutoCommit()
              .open();
      FormatInteropIT.awaitAssignment(paused, 3);
      paused.commitSync(Map.of(ORDERS_2, new OffsetAndMetadata(5, "java, an hour ago")));
    }
  }

  @Test
  void pythonCommitsForAGroupWithoutLiveMembersAndJavaStartsThere() throws Exception {
    createOrdersAndAnExpiredMember();
    String metadata = "from python ✓ 😀 'q'";
    try (OneLog log = OneLog.open(file)) { // open throughout: Java sees Python's commits at once
      long beforeMs = System.currentTimeMillis();
      InteropProcess.Result fresh =
          InteropProcess.python(
              dir,
              "commit",
              file.toString(),
              "fresh",
              "orders:0=4",
              "orders:1=7",
              "orders:2=9",
              "--metadata",
              metadata);
      long afterMs = System.currentTimeMillis();
      assertEquals(0, fresh.exitStatus(), fresh::describe);
      List<PythonOutput.Committed> printed = PythonOutput.committed(fresh);
      assertEquals(3, printed.size(), fresh::describe);
      long committedAtMs = printed.get(0).committedAtMs();
      assertTrue(beforeMs <= committedAtMs && committedAtMs <= afterMs, fresh::describe);
      assertEquals(
          List.of(
              new PythonOutput.Committed("fresh", ORDERS_0, 4, metadata, committedAtMs),
              new PythonOutput.Committed("fresh", ORDERS_1, 7, metadata, committedAtMs),
              new PythonOutput.Committed("fresh", ORDERS_2, 9, metadata, committedAtMs)),
          printed);
      assertEquals(
          Map.of(
              ORDERS_0, new OffsetAndMetadata(4, metadata),
              ORDERS_1, new OffsetAndMetadata(7, metadata),
              ORDERS_2, new OffsetAndMetadata(9, metadata)),
          log.groups().committed("fresh"));
      GroupDescription described = log.groups().describe("fresh");
      assertEquals(GroupState.EMPTY, described.state());
      assertEquals(0, described.generation());
      assertEquals(Assignor.STICKY, described.assignor());
      assertEquals(
          List.of("0|sticky|" + committedAtMs + "|" + committedAtMs),
          rows(
              "SELECT generation, assignor, created_at_ms, updated_at_ms FROM consumer_groups"
                  + " WHERE group_id = 'fresh'"),
          "the group's row, as section 12.5 has a missing one inserted");
      assertEquals(
          List.of("fresh|0|4|" + committedAtMs, "fresh|1|7|" + committedAtMs),
          rows(
              "SELECT group_id, partition, committed_offset, committed_at_ms FROM group_offsets"
                  + " WHERE group_id = 'fresh' AND partition < 2 ORDER BY partition"));

      // "paused" has a member row, but its session is over: no live member, so Python commits.
      assertEquals(List.of("pauser"), rows("SELECT instance_id FROM group_members"));
      InteropProcess.Result paused =
          InteropProcess.python(
              dir, "commit", file.toString(), "paused", "orders:0=2", "orders:1=3");
      assertEquals(0, paused.exitStatus(), paused::describe);
      assertEquals(
          Map.of(
              ORDERS_0, OffsetAndMetadata.of(2),
              ORDERS_1, OffsetAndMetadata.of(3),
              ORDERS_2, new OffsetAndMetadata(5, "java, an hour ago")),
          log.groups().committed("paused"),
          "Python's offsets, and Java's that it did not touch");

      // A member of each group starts where the group committed; with OffsetReset.NONE a
      // partition without a usable committed offset would fail its poll instead.
      for (String group : List.of("fresh", "paused")) {
        Map<TopicPartition, Long> starts = new LinkedHashMap<>();
        log.groups().committed(group).forEach((p, committed) -> starts.put(p, committed.offset()));
        try (GroupConsumer member =
            log.groups()
                .consumer(group)
                .topics("orders")
                .offsetReset(OffsetReset.NONE)
                .noAutoCommit()
                .open()) {
          assertEquals(starts, firstOffsets(member, 3), group + "'s member starts at its commits");
        }
      }
    }
  }

  @Test
  void pythonRefusesToCommitWhileTheGroupHasALiveMemberInAJavaProcess() throws Exception {
    createOrdersAndAnExpiredMember();
    try (OneLog log = OneLog.open(file)) {
      Map<TopicPartition, OffsetAndMetadata> before = log.groups().committed("paused");
      try (GroupConsumer member =
          log.groups().consumer("paused").topics("orders").noAutoCommit().open()) {
        InteropProcess.Result refused =
            InteropProcess.python(dir, "commit", file.toString(), "paused", "orders:0=9");
        assertEquals(2, refused.exitStatus(), refused::describe);
        assertEquals(List.of(), refused.stdout());
        GroupNotEmptyException java =
            assertThrows(
                GroupNotEmptyException.class,
                () ->
                    log.transaction(
                        tx ->
                            tx.commitOffsets("paused", Map.of(ORDERS_0, OffsetAndMetadata.of(9)))));
        String client = log.groups().describe("paused").members().get(0).client();
        assertEquals(
            "group 'paused' has live members ["
                + member.memberId()
                + " ("
                + client
                + ")], so onelog will not commit offsets without a member; stop them (or wait for"
                + " their sessions to expire) and try again",
            java.getMessage());
        assertTrue(
            refused
                .stderr()
                .startsWith(
                    "format_interop: "
                        + java.getMessage()
                            .replace("so onelog will not", "so format_interop will not")
                        + "\n"),
            refused::describe);
        assertEquals(before, log.groups().committed("paused"), "nothing was stored");
      }
      // The member left when it closed: the same commit goes through.
      InteropProcess.Result after =
          InteropProcess.python(dir, "commit", file.toString(), "paused", "orders:0=9");
      assertEquals(0, after.exitStatus(), after::describe);
      assertEquals(9, log.groups().committed("paused").get(ORDERS_0).offset());
    }
  }

  @Test
  void pythonRefusesWhatJavaRefusesAndStoresNothingOfTheCommit() throws Exception {
    createOrdersAndAnExpiredMember();
    String emoji = "😀"; // one character, two UTF-16 code units: section 12.1 counts the units
    try (OneLog log = OneLog.open(file)) {
      List<String> groupsBefore = log.groups().list();
      // Each: a commit Java refuses, the same as Python's arguments, and the start of the message
      // both give (Java's may go on with advice).
      record Refusal(
          String group, Map<TopicPartition, OffsetAndMetadata> offsets, String metadata) {}
      List<Refusal> refusals =
          List.of(
              new Refusal("new", Map.of(ORDERS_0, OffsetAndMetadata.of(1)), emoji.repeat(2049)),
              new Refusal(" \t\u2028", Map.of(ORDERS_0, OffsetAndMetadata.of(1)), ""),
              new Refusal(emoji.repeat(125), Map.of(ORDERS_0, OffsetAndMetadata.of(1)), ""));
      for (Refusal r : refusals) {
        // IllegalArgumentException for the metadata, InvalidGroupIdException for the group id
        RuntimeException java =
            assertThrows(
                RuntimeException.class,
                () ->
                    log.transaction(
                        tx -> {
                          Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
                          r.offsets()
                              .forEach(
                                  (p, o) ->
                                      offsets.put(
                                          p, new OffsetAndMetadata(o.offset(), r.metadata())));
                          tx.commitOffsets(r.group(), offsets);
                        }));
        InteropProcess.Result python =
            InteropProcess.python(
                dir,
                "commit",
                file.toString(),
                r.group(),
                "orders:0=1",
                "--metadata",
                r.metadata());
        assertEquals(2, python.exitStatus(), python::describe);
        String reason = java.getMessage().replaceFirst(" \\(Kafka's .*\\)$", "");
        assertTrue(
            python.stderr().startsWith("format_interop: " + reason + "\n"),
            () -> "Java: " + java.getMessage() + "; Python: " + python.describe());
      }

      // A partition that does not exist fails the whole commit, in Java and in Python.
      Map<TopicPartition, OffsetAndMetadata> oneTooMany = new LinkedHashMap<>();
      oneTooMany.put(ORDERS_0, OffsetAndMetadata.of(1));
      oneTooMany.put(TopicPartition.of("orders", 3), OffsetAndMetadata.of(1));
      UnknownPartitionException noPartition =
          assertThrows(
              UnknownPartitionException.class,
              () -> log.transaction(tx -> tx.commitOffsets("new", oneTooMany)));
      InteropProcess.Result python =
          InteropProcess.python(dir, "commit", file.toString(), "new", "orders:0=1", "orders:3=1");
      assertEquals(2, python.exitStatus(), python::describe);
      assertTrue(
          python.stderr().startsWith("format_interop: " + noPartition.getMessage() + "\n"),
          () -> "Java: " + noPartition.getMessage() + "; Python: " + python.describe());
      InteropProcess.Result noTopic =
          InteropProcess.python(dir, "commit", file.toString(), "new", "orders:0=1", "order:0=1");
      assertEquals(2, noTopic.exitStatus(), noTopic::describe);
      assertTrue(
          noTopic
              .stderr()
              .startsWith(
                  "format_interop: topic 'order' does not exist; known topics: ['orders']\n"),
          noTopic::describe);
      assertEquals(groupsBefore, log.groups().list(), "no group was created");
      assertEquals(List.of(), rows("SELECT * FROM group_offsets WHERE group_id <> 'paused'"));

      // At the limits, Java and Python both commit, and Java reads what Python committed.
      String longest = emoji.repeat(2048);
      String nonBlank = "\u00a0"; // a no-break space is not white space to Java
      InteropProcess.Result atLimits =
          InteropProcess.python(
              dir, "commit", file.toString(), nonBlank, "orders:1=1", "--metadata", longest);
      assertEquals(0, atLimits.exitStatus(), atLimits::describe);
      assertEquals(
          Map.of(ORDERS_1, new OffsetAndMetadata(1, longest)), log.groups().committed(nonBlank));
      log.transaction(
          tx ->
              tx.commitOffsets(
                  emoji.repeat(124) + "x", Map.of(ORDERS_1, new OffsetAndMetadata(2, longest))));
      InteropProcess.Result longGroup =
          InteropProcess.python(
              dir, "commit", file.toString(), emoji.repeat(124) + "x", "orders:1=3");
      assertEquals(0, longGroup.exitStatus(), longGroup::describe);
    }
  }

  /** Polls the member until each of its partitions has returned a record: their offsets. */
  private static Map<TopicPartition, Long> firstOffsets(GroupConsumer member, int partitions) {
    Map<TopicPartition, Long> first = new LinkedHashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (first.size() < partitions) {
      assertTrue(System.nanoTime() - deadline < 0, () -> "first records after 20 s: " + first);
      for (LogRecord record : member.poll(Duration.ofMillis(50))) {
        first.putIfAbsent(record.topicPartition(), record.offset());
      }
    }
    Map<TopicPartition, Long> ordered = new LinkedHashMap<>();
    for (TopicPartition p : List.of(ORDERS_0, ORDERS_1, ORDERS_2)) {
      ordered.put(p, first.get(p));
    }
    return ordered;
  }

  private List<String> rows(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      return new ArrayList<>(FormatDocSql.rows(c, sql));
    }
  }
}
