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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Group members in one process: sharing partitions, committing, handing partitions over. */
class GroupConsumerTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static List<LogRecord> pollUntil(GroupConsumer consumer, int count) {
    List<LogRecord> all = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (all.size() < count && System.nanoTime() < deadline) {
      all.addAll(consumer.poll(Duration.ofMillis(100)));
    }
    return all;
  }

  private static void fill(OneLog log, String topic, int partitions, int perPartition) {
    for (int p = 0; p < partitions; p++) {
      for (int i = 0; i < perPartition; i++) {
        log.send(ProducerRecord.of(topic, null, p + ":" + i).withPartition(p));
      }
    }
    log.flush();
  }

  @Test
  void aLoneMemberGetsEveryPartitionAndResumesFromItsCommittedOffsets() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("orders").withPartitions(3));
    fill(log, "orders", 3, 10);
    try (GroupConsumer consumer =
        log.groups()
            .consumer("billing")
            .topics("orders")
            .offsetReset(OffsetReset.EARLIEST)
            .noAutoCommit()
            .open()) {
      List<LogRecord> records = pollUntil(consumer, 30);
      assertEquals(30, records.size());
      assertEquals(
          Set.of(
              TopicPartition.of("orders", 0),
              TopicPartition.of("orders", 1),
              TopicPartition.of("orders", 2)),
          consumer.assignment());
      consumer.commitSync(Map.of(TopicPartition.of("orders", 0), OffsetAndMetadata.of(5)));
      consumer.commitSync(
          Map.of(
              TopicPartition.of("orders", 1),
              OffsetAndMetadata.of(10),
              TopicPartition.of("orders", 2),
              new OffsetAndMetadata(7, "note")));
      assertEquals(5, consumer.lag(TopicPartition.of("orders", 0)));
    }
    try (GroupConsumer again =
        log.groups().consumer("billing").topics("orders").noAutoCommit().open()) {
      List<LogRecord> records = pollUntil(again, 8);
      assertEquals(8, records.size(), "5 of orders-0 and 3 of orders-2: " + records);
      assertTrue(records.stream().noneMatch(r -> r.partition() == 1));
      assertEquals(
          new OffsetAndMetadata(7, "note"),
          again
              .committed(Set.of(TopicPartition.of("orders", 2)))
              .get(TopicPartition.of("orders", 2)));
    }
  }

  @Test
  void twoMembersShareThePartitionsAndACleanCloseHandsThemOverAtOnce() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(4));
    fill(log, "t", 4, 5);
    GroupConsumer a =
        log.groups().consumer("g").topics("t").offsetReset(OffsetReset.EARLIEST).open();
    GroupConsumer b =
        log.groups().consumer("g").topics("t").offsetReset(OffsetReset.EARLIEST).open();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((a.assignment().size() != 2 || b.assignment().size() != 2)
          && System.nanoTime() < deadline) {
        a.poll(Duration.ofMillis(20));
        b.poll(Duration.ofMillis(20));
      }
      assertEquals(2, a.assignment().size(), "a holds " + a.assignment());
      assertEquals(2, b.assignment().size(), "b holds " + b.assignment());
      Set<TopicPartition> both = new HashSet<>(a.assignment());
      both.addAll(b.assignment());
      assertEquals(4, both.size());

      GroupDescription described = log.groups().describe("g");
      assertEquals(GroupState.STABLE, described.state());
      assertEquals(2, described.members().size());

      a.close();
      long closedAt = System.nanoTime();
      while (b.assignment().size() != 4 && System.nanoTime() < deadline) {
        b.poll(Duration.ofMillis(20));
      }
      long movedMs = (System.nanoTime() - closedAt) / 1_000_000;
      assertEquals(4, b.assignment().size());
      assertTrue(movedMs < 1000, "the partitions moved in " + movedMs + " ms");
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void revokedRunsBeforeAnotherMemberGetsThePartition() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    List<String> events = new CopyOnWriteArrayList<>();
    GroupConsumer a =
        log.groups().consumer("g").topics("t").rebalanceListener(recording("a", events)).open();
    a.poll(Duration.ofMillis(50));
    assertEquals(List.of("a assigned [t-0, t-1]"), events);
    GroupConsumer b =
        log.groups().consumer("g").topics("t").rebalanceListener(recording("b", events)).open();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (b.assignment().isEmpty() && System.nanoTime() < deadline) {
        b.poll(Duration.ofMillis(20));
        a.poll(Duration.ofMillis(20));
      }
      int revoked =
          events.indexOf(
              events.stream().filter(e -> e.startsWith("a revoked")).findFirst().orElseThrow());
      int assigned =
          events.indexOf(
              events.stream().filter(e -> e.startsWith("b assigned")).findFirst().orElseThrow());
      assertTrue(revoked < assigned, events.toString());
      assertEquals(1, a.assignment().size());
      assertEquals(1, b.assignment().size());
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aMemberThatLostAPartitionCannotCommitIt() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(1));
    GroupConsumer a =
        log.groups()
            .consumer("g")
            .topics("t")
            .sessionTimeout(Duration.ofMillis(300))
            .heartbeatInterval(Duration.ofMillis(50))
            .maxPollInterval(Duration.ofMillis(100))
            .noAutoCommit()
            .open();
    a.poll(Duration.ofMillis(50));
    assertEquals(Set.of(TopicPartition.of("t", 0)), a.assignment());
    ConsumerGroupMetadata stale = a.groupMetadata();
    GroupConsumer b = log.groups().consumer("g").topics("t").noAutoCommit().open();
    try {
      // a stops polling: past its max poll interval it stops heartbeating, and its session ends.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (b.assignment().isEmpty() && System.nanoTime() < deadline) {
        b.poll(Duration.ofMillis(50));
      }
      assertEquals(Set.of(TopicPartition.of("t", 0)), b.assignment());
      CommitFailedException e =
          assertThrows(
              CommitFailedException.class,
              () ->
                  log.transaction(
                      tx ->
                          tx.commitOffsets(
                              stale, Map.of(TopicPartition.of("t", 0), OffsetAndMetadata.of(3)))));
      assertEquals(stale.memberId(), e.memberId());
      b.commitSync(Map.of(TopicPartition.of("t", 0), OffsetAndMetadata.of(1)));
      assertEquals(1, log.groups().committed("g").get(TopicPartition.of("t", 0)).offset());
    } finally {
      b.close();
      a.close();
    }
  }

  private static RebalanceListener recording(String name, List<String> events) {
    return new RebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        events.add(name + " revoked " + sorted(partitions));
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        events.add(name + " assigned " + sorted(partitions));
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        events.add(name + " lost " + sorted(partitions));
      }
    };
  }

  private static List<String> sorted(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::toString).sorted().toList();
  }

  @Test
  void aPausedPartitionReturnsNothingUntilResumed() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t").withPartitions(2));
    fill(log, "t", 2, 3);
    try (GroupConsumer member =
        log.groups().consumer("g").topics("t").offsetReset(OffsetReset.EARLIEST).open()) {
      member.poll(Duration.ofMillis(10)); // takes both partitions
      member.seekToBeginning(member.assignment());
      member.pause(Set.of(TopicPartition.of("t", 0)));
      List<LogRecord> records = pollUntil(member, 3);
      assertEquals(3, records.size());
      assertTrue(records.stream().allMatch(r -> r.partition() == 1), records.toString());
      assertEquals(Set.of(TopicPartition.of("t", 0)), member.paused());
      member.resume(Set.of(TopicPartition.of("t", 0)));
      assertEquals(3, pollUntil(member, 3).size());
    }
  }

  /** Before the fix, an interrupted poll looped until its timeout, burning a core. */
  @Test
  void pollReturnsSoonAfterItsThreadIsInterrupted() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    try (GroupConsumer member = log.groups().consumer("g").topics("t").open()) {
      member.poll(Duration.ofMillis(10));
      Thread poller = Thread.currentThread();
      java.util.concurrent.ScheduledExecutorService timer =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      try {
        timer.schedule(poller::interrupt, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        assertEquals(List.of(), member.poll(Duration.ofSeconds(10)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(Thread.interrupted(), "the interrupt flag stays set");
        assertTrue(tookMs < 2_000, "returned after " + tookMs + " ms");
      } finally {
        timer.shutdownNow();
        Thread.interrupted();
      }
    }
  }

  @Test
  void aBadGroupIdIsRefusedWithItsOwnException() {
    OneLog log = logs.open();
    InvalidGroupIdException blank =
        assertThrows(InvalidGroupIdException.class, () -> log.groups().describe(" "));
    assertEquals("a group id must not be empty or blank", blank.getMessage());
    assertThrows(InvalidGroupIdException.class, () -> log.groups().consumer("x".repeat(250)));
    IllegalArgumentException instance =
        assertThrows(
            IllegalArgumentException.class, () -> log.groups().consumer("g").staticMemberId(""));
    assertEquals("a static member id must not be empty or blank", instance.getMessage());
  }
}
