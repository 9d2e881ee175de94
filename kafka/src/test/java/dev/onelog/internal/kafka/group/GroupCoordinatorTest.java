package dev.onelog.internal.kafka.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * The classic group state machine on a hand-driven clock: every deadline passes exactly when the
 * test moves the clock and ticks, so no test waits.
 */
class GroupCoordinatorTest {
  private static final int SESSION_MS = 3_000;
  private static final int REBALANCE_MS = 5_000;

  private long nowNanos = 1_000_000_000L;
  private final AtomicInteger ids = new AtomicInteger();
  private final GroupCoordinator coordinator =
      new GroupCoordinator(() -> nowNanos, () -> "id" + ids.incrementAndGet());

  private void advanceMs(long ms) {
    nowNanos += ms * 1_000_000L;
    coordinator.tick();
  }

  private static Map<String, byte[]> protocols(String... names) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, ("meta-" + name).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private CompletableFuture<JoinGroupResponseData> join(
      String memberId, String instanceId, Map<String, byte[]> protocols) {
    return coordinator.join(
        new JoinRequest(
            "g",
            memberId,
            instanceId,
            "client",
            "/127.0.0.1",
            SESSION_MS,
            REBALANCE_MS,
            "consumer",
            protocols,
            instanceId == null));
  }

  /** A dynamic member's two joins (MEMBER_ID_REQUIRED, then with the id): its id. */
  private String newMemberId() {
    JoinGroupResponseData first = join("", null, protocols("range")).join();
    assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
    return first.memberId();
  }

  private CompletableFuture<SyncGroupResponseData> sync(
      String memberId, int generation, Map<String, byte[]> assignments) {
    return coordinator.sync(
        new SyncRequest("g", memberId, null, generation, "consumer", "range", assignments));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLoneMemberGetsAnIdThenLeadsGenerationOneWithItsOwnMetadata() {
    String id = newMemberId();
    assertTrue(id.startsWith("client-"), id);
    JoinGroupResponseData joined = join(id, null, protocols("range")).join();
    assertEquals(Errors.NONE.code(), joined.errorCode());
    assertEquals(1, joined.generationId());
    assertEquals(id, joined.leader());
    assertEquals("range", joined.protocolName());
    assertEquals(1, joined.members().size());
    assertArrayEquals(bytes("meta-range"), joined.members().get(0).metadata());
    SyncGroupResponseData synced = sync(id, 1, Map.of(id, bytes("all"))).join();
    assertArrayEquals(bytes("all"), synced.assignment());
    assertEquals(Errors.NONE, coordinator.heartbeat("g", id, null, 1));
  }

  @Test
  void aSecondMemberRebalancesTheGroupAndOnlyTheLeaderSeesTheMembers() {
    String a = newMemberId();
    join(a, null, protocols("range")).join();
    sync(a, 1, Map.of(a, bytes("a1"))).join();

    String b = newMemberId();
    CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, protocols("range"));
    assertFalse(bJoin.isDone(), "waits for the first member to rejoin");
    assertEquals(Errors.REBALANCE_IN_PROGRESS, coordinator.heartbeat("g", a, null, 1));
    JoinGroupResponseData aJoin = join(a, null, protocols("range")).join();
    JoinGroupResponseData bJoined = bJoin.join();
    assertEquals(2, aJoin.generationId());
    assertEquals(2, bJoined.generationId());
    assertEquals(a, aJoin.leader());
    assertEquals(2, aJoin.members().size());
    assertEquals(List.of(), bJoined.members(), "a follower gets no member list");

    CompletableFuture<SyncGroupResponseData> bSync = sync(b, 2, Map.of());
    assertFalse(bSync.isDone(), "a follower's sync waits for the leader's");
    assertEquals(
        Errors.ILLEGAL_GENERATION.code(),
        sync(a, 1, Map.of()).join().errorCode(),
        "a sync of the old generation is refused");
    sync(a, 2, Map.of(a, bytes("p0"), b, bytes("p1"))).join();
    assertArrayEquals(bytes("p1"), bSync.join().assignment());
    assertEquals(Errors.ILLEGAL_GENERATION, coordinator.heartbeat("g", a, null, 1));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, coordinator.heartbeat("g", "nobody", null, 2));
    assertEquals(Errors.NONE, coordinator.heartbeat("g", b, null, 2));
  }

  @Test
  void aMemberThatDoesNotRejoinIsRemovedAtTheRebalanceTimeout() {
    String a = newMemberId();
    join(a, null, protocols("range")).join();
    sync(a, 1, Map.of()).join();
    String b = newMemberId();
    CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, protocols("range"));
    for (int i = 0; i < REBALANCE_MS / 1_000 - 1; i++) {
      advanceMs(1_000);
      assertEquals(
          Errors.REBALANCE_IN_PROGRESS,
          coordinator.heartbeat("g", a, null, 1),
          "a stays in by heartbeats, but does not rejoin");
    }
    advanceMs(900);
    assertFalse(bJoin.isDone());
    advanceMs(200);
    JoinGroupResponseData joined = bJoin.join();
    assertEquals(2, joined.generationId());
    assertEquals(b, joined.leader(), "the member that did not rejoin is gone, leader included");
    assertEquals(1, joined.members().size());
    assertEquals(Errors.UNKNOWN_MEMBER_ID, coordinator.heartbeat("g", a, null, 2));
  }

  @Test
  void aMemberWithoutHeartbeatsIsRemovedAfterItsSessionTimeout() {
    String a = newMemberId();
    join(a, null, protocols("range")).join();
    String b = newMemberId();
    CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, protocols("range"));
    join(a, null, protocols("range")).join();
    bJoin.join();
    sync(a, 2, Map.of()).join();
    sync(b, 2, Map.of()).join();
    for (int i = 0; i < 2; i++) {
      advanceMs(SESSION_MS / 2);
      assertEquals(Errors.NONE, coordinator.heartbeat("g", b, null, 2), "a's session still runs");
    }
    advanceMs(SESSION_MS / 2);
    assertEquals(
        Errors.REBALANCE_IN_PROGRESS,
        coordinator.heartbeat("g", b, null, 2),
        "a expired, so the group rebalances");
    assertEquals(Errors.UNKNOWN_MEMBER_ID, coordinator.heartbeat("g", a, null, 2));
    JoinGroupResponseData alone = join(b, null, protocols("range")).join();
    assertEquals(3, alone.generationId());
    assertEquals(1, alone.members().size());
  }

  @Test
  void theProtocolIsVotedAndAnIncompatibleMemberIsRefused() {
    String a = newMemberId();
    CompletableFuture<JoinGroupResponseData> aJoin = join(a, null, protocols("range", "sticky"));
    aJoin.join();
    String b = newMemberId();
    CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, protocols("sticky", "range"));
    String c = newMemberId();
    CompletableFuture<JoinGroupResponseData> cJoin = join(c, null, protocols("sticky", "range"));
    JoinGroupResponseData aAgain = join(a, null, protocols("range", "sticky")).join();
    assertEquals("sticky", aAgain.protocolName(), "two of the three prefer sticky");
    assertEquals("sticky", bJoin.join().protocolName());
    assertEquals("sticky", cJoin.join().protocolName());
    JoinGroupResponseData stranger = join("", null, protocols("roundrobin")).join();
    assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), stranger.errorCode());
  }

  @Test
  void commitsAreCheckedAgainstTheMemberAndGeneration() {
    assertEquals(Errors.NONE, coordinator.checkCommit("g", "", null, -1), "no members: free");
    String a = newMemberId();
    join(a, null, protocols("range")).join();
    assertEquals(Errors.REBALANCE_IN_PROGRESS, coordinator.checkCommit("g", a, null, 1));
    sync(a, 1, Map.of()).join();
    assertEquals(Errors.NONE, coordinator.checkCommit("g", a, null, 1));
    assertEquals(Errors.ILLEGAL_GENERATION, coordinator.checkCommit("g", a, null, 0));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, coordinator.checkCommit("g", "", null, -1));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, coordinator.checkCommit("g", "other", null, 1));
  }

  @Test
  void aRestartedStaticMemberTakesItsPlaceWithoutARebalanceAndFencesTheOld() {
    String a = newMemberId();
    join(a, null, protocols("range")).join();
    CompletableFuture<JoinGroupResponseData> sJoin = join("", "static-1", protocols("range"));
    JoinGroupResponseData joinedA = join(a, null, protocols("range")).join();
    String old = sJoin.join().memberId();
    sync(a, 2, Map.of(a, bytes("pa"), old, bytes("ps"))).join();
    assertArrayEquals(bytes("ps"), sync(old, 2, Map.of()).join().assignment());
    assertEquals(2, joinedA.generationId());

    JoinGroupResponseData restarted = join("", "static-1", protocols("range")).join();
    assertEquals(Errors.NONE.code(), restarted.errorCode());
    assertEquals(2, restarted.generationId(), "no rebalance");
    assertTrue(!restarted.memberId().equals(old), "a new member id");
    assertArrayEquals(
        bytes("ps"), sync(restarted.memberId(), 2, Map.of()).join().assignment(), "its old one");
    assertEquals(Errors.FENCED_INSTANCE_ID, coordinator.heartbeat("g", old, "static-1", 2));
    assertEquals(Errors.NONE, coordinator.heartbeat("g", a, null, 2));
  }

  @Test
  void leavingRebalancesAtOnceAndTheLastLeaverEndsTheGroup() {
    String a = newMemberId();
    join(a, null, protocols("range")).join();
    String b = newMemberId();
    CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, protocols("range"));
    join(a, null, protocols("range")).join();
    bJoin.join();
    assertEquals(
        List.of(Errors.NONE, Errors.UNKNOWN_MEMBER_ID),
        coordinator.leave(
            "g",
            List.of(
                new GroupCoordinator.Leaving(b, null), new GroupCoordinator.Leaving("x", null))));
    assertEquals(Errors.REBALANCE_IN_PROGRESS, coordinator.heartbeat("g", a, null, 2));
    assertEquals(
        List.of(Errors.NONE),
        coordinator.leave("g", List.of(new GroupCoordinator.Leaving(a, null))));
    assertFalse(coordinator.isActive("g"));
    assertEquals(List.of(), coordinator.list(), "an emptied group is forgotten");
  }

  /**
   * A waiting join is completed after the group's lock is released: code run by the completion
   * (here another thread's heartbeat on the same group, awaited) would otherwise deadlock.
   */
  @Test
  void answersAreCompletedOutsideTheGroupsLock() throws Exception {
    String a = newMemberId();
    join(a, null, protocols("range")).join();
    sync(a, 1, Map.of()).join();
    String b = newMemberId();
    CompletableFuture<Errors> fromCallback = new CompletableFuture<>();
    join(b, null, protocols("range"))
        .thenAccept(
            joined -> {
              try {
                fromCallback.complete(
                    CompletableFuture.supplyAsync(() -> coordinator.heartbeat("g", b, null, 2))
                        .get(2, TimeUnit.SECONDS));
              } catch (Exception e) {
                fromCallback.completeExceptionally(e);
              }
            });
    join(a, null, protocols("range")).join(); // completes b's join, on this thread
    assertEquals(Errors.NONE, fromCallback.get(5, TimeUnit.SECONDS));
  }
}
