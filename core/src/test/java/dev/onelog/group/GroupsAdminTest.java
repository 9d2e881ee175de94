package dev.onelog.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.onelog.LogFixture;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Listing, describing, resetting and deleting groups. */
class GroupsAdminTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);
  private static final TopicPartition T1 = TopicPartition.of("t", 1);

  private OneLog logWithRecords() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    for (int i = 0; i < 10; i++) {
      log.send(ProducerRecord.of("t", null, "v" + i).withPartition(i % 2));
    }
    log.flush();
    return log;
  }

  @Test
  void describeShowsMembersTheirPartitionsAndTheLag() {
    OneLog log = logWithRecords();
    try (GroupConsumer member = log.groups().consumer("g").topics("t").noAutoCommit().open()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (member.assignment().size() < 2 && System.nanoTime() < deadline) {
        member.poll(Duration.ofMillis(20));
      }
      member.commitSync(Map.of(T0, OffsetAndMetadata.of(2)));
      GroupDescription g = log.groups().describe("g");
      assertEquals(GroupState.STABLE, g.state());
      assertEquals(Assignor.STICKY, g.assignor());
      assertEquals(1, g.members().size());
      assertEquals(List.of(T0, T1), g.members().get(0).owned());
      assertEquals(member.memberId(), g.members().get(0).memberId());
      PartitionOffset t0 = g.offsets().get(0);
      assertEquals(T0, t0.partition());
      assertEquals(2, t0.committedOffset());
      assertEquals(5, t0.nextOffset());
      assertEquals(3, t0.lag());
      assertEquals(member.memberId(), t0.owner());
      assertEquals(-1, g.offsets().get(1).lag(), "no committed offset: no lag");
      assertEquals(List.of("g"), log.groups().list());
    }
    GroupDescription after = log.groups().describe("g");
    assertEquals(GroupState.EMPTY, after.state());
    assertEquals(List.of(), after.members());
  }

  @Test
  void resetIsRefusedWhileMembersLiveAndMovesEveryPartitionOtherwise() {
    OneLog log = logWithRecords();
    GroupConsumer member = log.groups().consumer("g").topics("t").open();
    GroupNotEmptyException busy =
        assertThrows(
            GroupNotEmptyException.class,
            () -> log.groups().resetOffsets("g", "t", ResetTarget.earliest()));
    assertEquals(member.memberId(), busy.liveMembers().get(0).split(" ")[0]);
    member.close();
    assertEquals(Map.of(T0, 5L, T1, 5L), log.groups().planReset("g", "t", ResetTarget.latest()));
    assertEquals(Map.of(), log.groups().committed("g"), "a plan commits nothing");
    assertEquals(
        Map.of(T0, 3L, T1, 3L), log.groups().resetOffsets("g", "t", ResetTarget.offset(3)));
    assertEquals(
        Map.of(T0, 1L, T1, 1L), log.groups().resetOffsets("g", "t", ResetTarget.shiftBy(-2)));
    assertEquals(
        Map.of(T0, 5L, T1, 5L), log.groups().resetOffsets("g", "t", ResetTarget.offset(99)));
    assertEquals(
        Map.of(T0, 0L, T1, 0L), log.groups().resetOffsets("g", "t", ResetTarget.earliest()));
    assertEquals(0, log.groups().committed("g").get(T0).offset());
  }

  @Test
  void deleteRemovesTheGroupAndRefusesWhileMembersLive() {
    OneLog log = logWithRecords();
    GroupConsumer member = log.groups().consumer("g").topics("t").open();
    assertThrows(GroupNotEmptyException.class, () -> log.groups().delete("g"));
    member.close();
    log.groups().delete("g");
    assertEquals(List.of(), log.groups().list());
    UnknownGroupException e =
        assertThrows(UnknownGroupException.class, () -> log.groups().describe("g"));
    assertEquals("group 'g' does not exist; known groups: []", e.getMessage());
  }

  @Test
  void anExternalCoordinatorsCommitIsStoredWholeOrNotAtAllAndOutlivesTheLog() {
    OneLog log = logWithRecords();
    log.groups()
        .commitOffsets("wire", Map.of(T0, OffsetAndMetadata.of(3), T1, OffsetAndMetadata.of(4)));
    assertEquals(
        Map.of(T0, OffsetAndMetadata.of(3), T1, OffsetAndMetadata.of(4)),
        log.groups().committed("wire"));
    assertEquals(List.of("wire"), log.groups().list(), "the first commit created the group");
    assertThrows(
        dev.onelog.UnknownPartitionException.class,
        () ->
            log.groups()
                .commitOffsets(
                    "wire",
                    Map.of(
                        T0,
                        OffsetAndMetadata.of(5),
                        TopicPartition.of("t", 7),
                        OffsetAndMetadata.of(1))));
    assertEquals(
        3, log.groups().committed("wire").get(T0).offset(), "nothing of the refused commit");
    java.nio.file.Path path = log.path();
    log.close();
    try (OneLog reopened = OneLog.open(path)) {
      assertEquals(4, reopened.groups().committed("wire").get(T1).offset());
    }
  }

  @Test
  void anExternalCoordinatorsCommitIsRefusedWhileEmbeddedMembersLive() {
    OneLog log = logWithRecords();
    try (GroupConsumer member = log.groups().consumer("g").topics("t").open()) {
      GroupNotEmptyException e =
          assertThrows(
              GroupNotEmptyException.class,
              () -> log.groups().commitOffsets("g", Map.of(T0, OffsetAndMetadata.of(1))));
      assertEquals(member.memberId(), e.liveMembers().get(0).split(" ")[0]);
      assertEquals(Map.of(), log.groups().committed("g"));
    }
    log.groups().commitOffsets("g", Map.of(T0, OffsetAndMetadata.of(1)));
    assertEquals(1, log.groups().committed("g").get(T0).offset(), "accepted once none live");
  }

  @Test
  void deleteOffsetsRemovesOnlyThosePartitionsAndRefusesWhileMembersLive() {
    OneLog log = logWithRecords();
    log.groups()
        .commitOffsets("g", Map.of(T0, OffsetAndMetadata.of(1), T1, OffsetAndMetadata.of(2)));
    assertEquals(
        java.util.Set.of(T0),
        log.groups().deleteOffsets("g", List.of(T0, TopicPartition.of("gone", 0))),
        "only the partitions that had an offset");
    assertEquals(Map.of(T1, OffsetAndMetadata.of(2)), log.groups().committed("g"));
    assertEquals(List.of("g"), log.groups().list(), "the group stays");
    assertThrows(
        UnknownGroupException.class, () -> log.groups().deleteOffsets("nope", List.of(T0)));
    try (GroupConsumer member = log.groups().consumer("g").topics("t").open()) {
      GroupNotEmptyException e =
          assertThrows(
              GroupNotEmptyException.class, () -> log.groups().deleteOffsets("g", List.of(T1)));
      assertEquals(member.memberId(), e.liveMembers().get(0).split(" ")[0]);
    }
    assertEquals(Map.of(T1, OffsetAndMetadata.of(2)), log.groups().committed("g"));
  }

  @Test
  void deletingATopicDeletesItsOffsetsInEveryGroup() {
    OneLog log = logWithRecords();
    log.transaction(tx -> tx.commitOffsets("g", Map.of(T0, OffsetAndMetadata.of(1))));
    log.deleteTopic("t");
    assertEquals(Map.of(), log.groups().committed("g"));
  }

  /** The limit is on commits; what another program stored is read as it is. */
  @Test
  void metadataOverTheLimitIsRefusedOnCommitButReadWhenAnotherProgramStoredIt() throws Exception {
    OneLog log = logWithRecords();
    String tooLong = "m".repeat(OffsetAndMetadata.MAX_METADATA_LENGTH + 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                log.transaction(
                    tx -> tx.commitOffsets("g", Map.of(T0, new OffsetAndMetadata(1, tooLong)))));
    assertEquals(
        "metadata is 4097 characters; the limit is 4096 (Kafka's offset.metadata.max.bytes"
            + " default)",
        e.getMessage());
    log.transaction(tx -> tx.commitOffsets("g", Map.of(T0, OffsetAndMetadata.of(1))));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + log.path());
        java.sql.PreparedStatement update =
            c.prepareStatement("UPDATE group_offsets SET metadata = ?")) {
      update.setString(1, tooLong);
      update.executeUpdate();
    }
    assertEquals(new OffsetAndMetadata(1, tooLong), log.groups().committed("g").get(T0));
    try (GroupConsumer member =
        log.groups().consumer("g").topics("t").offsetReset(OffsetReset.EARLIEST).open()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (member.assignment().size() < 2 && System.nanoTime() < deadline) {
        member.poll(Duration.ofMillis(20));
      }
      assertEquals(
          tooLong, member.committed(java.util.Set.of(T0)).get(T0).metadata(), "read as stored");
    }
  }

  @Test
  void lagIsMinusOneWithoutACommittedOffset() {
    OneLog log = logWithRecords();
    try (GroupConsumer member = log.groups().consumer("g").topics("t").noAutoCommit().open()) {
      assertEquals(-1, member.lag(T0));
      member.poll(Duration.ofMillis(20));
      member.commitSync(Map.of(T0, OffsetAndMetadata.of(1)));
      assertEquals(4, member.lag(T0));
    }
  }
}
