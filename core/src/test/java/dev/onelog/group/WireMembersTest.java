package dev.onelog.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogFixture;
import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Members kept by a coordinator outside the library ({@link Groups#recordWireMembers}). */
class WireMembersTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final WireMember KAFKA_CONSUMER =
      new WireMember("m-1", null, "consumer-g-1@/127.0.0.1", List.of("t"), Duration.ofSeconds(30));

  private OneLog log() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    return log;
  }

  @Test
  void wireMembersShowInDescribeAndKeepTheirJoinTime() throws InterruptedException {
    OneLog log = log();
    log.groups().recordWireMembers("g", List.of(KAFKA_CONSUMER));
    MemberDescription first = log.groups().describe("g").members().get(0);
    assertEquals("m-1", first.memberId());
    assertEquals("wire:consumer-g-1@/127.0.0.1", first.client());
    assertTrue(first.isWire());
    assertEquals("t", first.subscription());
    assertEquals(List.of(), first.owned());
    assertEquals(List.of("g"), log.groups().list());
    Thread.sleep(5);
    WireMember second =
        new WireMember(
            "m-2", "static-2", "consumer-g-2@/10.0.0.2", List.of(), Duration.ofSeconds(9));
    log.groups().recordWireMembers("g", List.of(KAFKA_CONSUMER, second));
    List<MemberDescription> members = log.groups().describe("g").members();
    assertEquals(2, members.size());
    MemberDescription again =
        members.stream().filter(m -> m.memberId().equals("m-1")).findFirst().orElseThrow();
    assertTrue(again.lastHeartbeat().isAfter(first.lastHeartbeat()), again + " vs " + first);
    log.groups().recordWireMembers("g", List.of());
    assertEquals(List.of(), log.groups().describe("g").members());
  }

  @Test
  void anEmbeddedMemberCannotJoinAGroupWithLiveWireMembers() {
    OneLog log = log();
    log.groups().recordWireMembers("g", List.of(KAFKA_CONSUMER));
    InconsistentGroupProtocolException e =
        assertThrows(
            InconsistentGroupProtocolException.class,
            () -> log.groups().consumer("g").topics("t").open());
    assertTrue(e.getMessage().contains("onelog serve"), e.getMessage());
    assertEquals("g", e.groupId());
    log.groups().recordWireMembers("g", List.of());
    try (GroupConsumer member = log.groups().consumer("g").topics("t").open()) {
      assertFalse(member.memberId().isEmpty());
      // And now the wire coordinator is refused in turn.
      assertThrows(
          InconsistentGroupProtocolException.class,
          () -> log.groups().recordWireMembers("g", List.of(KAFKA_CONSUMER)));
    }
  }

  @Test
  void wireMembersWhoseCoordinatorStoppedExpireLikeAnyMember() throws InterruptedException {
    OneLog log = log();
    log.groups()
        .recordWireMembers(
            "g",
            List.of(new WireMember("m-1", null, "c@/h", List.of("t"), Duration.ofMillis(100))));
    Thread.sleep(300);
    assertEquals(List.of(), log.groups().describe("g").members());
    try (GroupConsumer member = log.groups().consumer("g").topics("t").open()) {
      assertEquals(
          List.of(member.memberId()),
          log.groups().describe("g").members().stream().map(MemberDescription::memberId).toList());
    }
  }

  @Test
  void theirCoordinatorCommitsForThemButNobodyDeletesTheGroupUnderThem() {
    OneLog log = log();
    log.groups().recordWireMembers("g", List.of(KAFKA_CONSUMER));
    TopicPartition t0 = TopicPartition.of("t", 0);
    log.groups().commitOffsets("g", Map.of(t0, OffsetAndMetadata.of(0)));
    assertEquals(0L, log.groups().committed("g").get(t0).offset());
    assertThrows(GroupNotEmptyException.class, () -> log.groups().delete("g"));
  }
}
