package dev.onelog.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogFixture;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Static members, subscriptions that grow, assignors that must agree, offset reset. */
class GroupMembershipTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static void pollUntil(BooleanSupplier done, GroupConsumer... members) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      for (GroupConsumer member : members) {
        member.poll(Duration.ofMillis(20));
      }
    }
    assertTrue(done.getAsBoolean(), "condition not reached within 10 s");
  }

  @Test
  void aStaticMemberKeepsItsPartitionsAcrossARestartWithoutARebalance() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(4));
    GroupConsumer a = log.groups().consumer("g").topics("t").staticMemberId("a").open();
    GroupConsumer b = log.groups().consumer("g").topics("t").staticMemberId("b").open();
    pollUntil(() -> a.assignment().size() == 2 && b.assignment().size() == 2, a, b);
    Set<TopicPartition> held = a.assignment();
    long generation = log.groups().describe("g").generation();
    a.close(); // a static member does not leave
    assertEquals(generation, log.groups().describe("g").generation());
    GroupConsumer again = log.groups().consumer("g").topics("t").staticMemberId("a").open();
    try {
      pollUntil(() -> again.assignment().size() == 2, again, b);
      assertEquals(held, again.assignment());
      assertEquals(generation, log.groups().describe("g").generation());
    } finally {
      again.close();
      b.close();
    }
  }

  @Test
  void aSecondInstanceWithTheSameStaticIdFencesTheFirst() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    GroupConsumer first = log.groups().consumer("g").topics("t").staticMemberId("x").open();
    first.poll(Duration.ofMillis(20));
    GroupConsumer second = log.groups().consumer("g").topics("t").staticMemberId("x").open();
    try {
      pollUntil(() -> second.assignment().size() == 1, second);
      FencedInstanceException e =
          assertThrows(
              FencedInstanceException.class,
              () -> {
                for (int i = 0; i < 100; i++) {
                  first.poll(Duration.ofMillis(20));
                }
              });
      assertEquals("x", e.instanceId());
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void aPatternSubscriptionTakesNewTopicsAndNewPartitions() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("orders-eu"));
    GroupConsumer member =
        log.groups()
            .consumer("g")
            .topicPattern(Pattern.compile("orders-.*"))
            .heartbeatInterval(Duration.ofMillis(50))
            .open();
    try {
      pollUntil(() -> member.assignment().size() == 1, member);
      log.createTopic(TopicSpec.named("orders-us"));
      log.createTopic(TopicSpec.named("payments"));
      pollUntil(() -> member.assignment().size() == 2, member);
      log.createPartitions("orders-us", 3);
      pollUntil(() -> member.assignment().size() == 4, member);
      assertTrue(member.assignment().stream().allMatch(p -> p.topic().startsWith("orders-")));
    } finally {
      member.close();
    }
  }

  @Test
  void membersOfOneGroupMustUseOneAssignor() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    try (GroupConsumer range =
        log.groups().consumer("g").topics("t").assignor(Assignor.RANGE).open()) {
      InconsistentAssignorException e =
          assertThrows(
              InconsistentAssignorException.class,
              () -> log.groups().consumer("g").topics("t").assignor(Assignor.STICKY).open());
      assertEquals(Assignor.RANGE, e.groupAssignor());
      assertTrue(range.memberId().startsWith("member-"));
    }
    // with no live member left, a member may bring another assignor
    log.groups().consumer("g").topics("t").assignor(Assignor.STICKY).open().close();
    assertEquals(Assignor.STICKY, log.groups().describe("g").assignor());
  }

  @Test
  void offsetResetDecidesWhereAMemberWithoutACommittedOffsetStarts() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    for (int i = 0; i < 5; i++) {
      log.append(ProducerRecord.of("t", null, "old-" + i));
    }
    try (GroupConsumer latest = log.groups().consumer("latest").topics("t").open()) {
      pollUntil(() -> latest.assignment().size() == 1, latest);
      assertEquals(5, latest.position(TopicPartition.of("t", 0)));
    }
    try (GroupConsumer earliest =
        log.groups().consumer("earliest").topics("t").offsetReset(OffsetReset.EARLIEST).open()) {
      List<LogRecord> read = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (read.size() < 5 && System.nanoTime() < deadline) {
        read.addAll(earliest.poll(Duration.ofMillis(50)));
      }
      assertEquals("old-0", read.get(0).valueAsString());
      assertEquals(5, read.size());
    }
    // A committed offset outside the partition's offsets is reset too.
    log.transaction(
        tx ->
            tx.commitOffsets(
                "beyond", java.util.Map.of(TopicPartition.of("t", 0), OffsetAndMetadata.of(99))));
    try (GroupConsumer beyond =
        log.groups().consumer("beyond").topics("t").offsetReset(OffsetReset.EARLIEST).open()) {
      pollUntil(() -> beyond.assignment().size() == 1, beyond);
      assertTrue(beyond.position(TopicPartition.of("t", 0)) <= 5);
    }
    try (GroupConsumer none =
        log.groups().consumer("none").topics("t").offsetReset(OffsetReset.NONE).open()) {
      NoOffsetForPartitionException e =
          assertThrows(NoOffsetForPartitionException.class, () -> none.poll(Duration.ofMillis(50)));
      assertEquals(TopicPartition.of("t", 0), e.partition());
      assertEquals(-1, e.committedOffset());
      assertEquals(5, e.nextOffset());
    }
  }

  /**
   * A committed offset that retention left behind (the records below it deleted from the front of
   * the partition, as FORMAT.md allows; done here with plain SQL until retention exists).
   */
  @Test
  void aCommittedOffsetBelowTheEarliestRecordIsResetByThePolicy() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    for (int i = 0; i < 4; i++) {
      log.append(ProducerRecord.of("t", null, "v" + i)); // four batches of one record
    }
    log.transaction(
        tx ->
            tx.commitOffsets(
                "g", java.util.Map.of(TopicPartition.of("t", 0), OffsetAndMetadata.of(1))));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + log.path());
        java.sql.Statement s = c.createStatement()) {
      s.execute("DELETE FROM log_1_0 WHERE last_offset < 2");
      s.execute(
          "UPDATE partitions SET log_start_offset = 2, record_count = 2, size_bytes = 4"
              + " WHERE topic_id = 1");
    }
    NoOffsetForPartitionException e;
    try (GroupConsumer none =
        log.groups().consumer("g").topics("t").offsetReset(OffsetReset.NONE).open()) {
      e = assertThrows(NoOffsetForPartitionException.class, () -> none.poll(Duration.ofMillis(50)));
    }
    assertEquals(1, e.committedOffset());
    assertEquals(2, e.earliestOffset());
    assertTrue(e.getMessage().contains("outside the offsets 2..4"), e.getMessage());
    try (GroupConsumer earliest =
        log.groups().consumer("g").topics("t").offsetReset(OffsetReset.EARLIEST).open()) {
      pollUntil(() -> earliest.assignment().size() == 1, earliest);
      assertTrue(earliest.position(TopicPartition.of("t", 0)) >= 2);
    }
  }

  /**
   * Before the fix, deleting a subscribed topic made every poll of the member throw
   * UnknownTopicException.
   */
  @Test
  void aMemberLosesTheTopicDeletedUnderItAndTakesItAgainWhenCreatedAgain() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("a"));
    log.createTopic(TopicSpec.named("b"));
    List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
    GroupConsumer member =
        log.groups()
            .consumer("g")
            .topics("a", "b")
            .offsetReset(OffsetReset.EARLIEST)
            .heartbeatInterval(Duration.ofMillis(50))
            .rebalanceListener(
                new RebalanceListener() {
                  @Override
                  public void onPartitionsRevoked(java.util.Collection<TopicPartition> p) {}

                  @Override
                  public void onPartitionsAssigned(java.util.Collection<TopicPartition> p) {}

                  @Override
                  public void onPartitionsLost(java.util.Collection<TopicPartition> p) {
                    p.forEach(tp -> lost.add(tp.toString()));
                  }
                })
            .open();
    try {
      pollUntil(() -> member.assignment().size() == 2, member);
      log.deleteTopic("b");
      log.append(ProducerRecord.of("a", null, "still here"));
      List<LogRecord> read = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (read.isEmpty() && System.nanoTime() < deadline) {
        read.addAll(member.poll(Duration.ofMillis(50)));
      }
      assertEquals("still here", read.get(0).valueAsString());
      pollUntil(() -> member.assignment().equals(Set.of(TopicPartition.of("a", 0))), member);
      assertEquals(List.of("b-0"), lost);

      log.createTopic(TopicSpec.named("b"));
      log.append(ProducerRecord.of("b", null, "new b"));
      List<LogRecord> fromNewB = new ArrayList<>();
      deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (fromNewB.isEmpty() && System.nanoTime() < deadline) {
        fromNewB.addAll(member.poll(Duration.ofMillis(50)));
      }
      assertEquals("new b", fromNewB.get(0).valueAsString());
      assertEquals(0, fromNewB.get(0).offset());
    } finally {
      member.close();
    }
  }
}
