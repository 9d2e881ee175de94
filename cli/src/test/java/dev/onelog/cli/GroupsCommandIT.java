package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code onelog groups list|describe|reset|delete}, on groups made by {@code consume --group}. */
class GroupsCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void listAndDescribeShowTheGroupItsLagAndMembers() throws Exception {
    onelog.runWithInput("1\n2\n3\n4\n5\n", "produce", "t").ok();
    assertEquals("", onelog.run("groups", "list").ok().stdout(), "no groups yet");
    onelog.run("consume", "t", "--group", "g", "--from-beginning", "--max", "2").ok();

    List<String> table = onelog.run("groups", "list").ok().lines();
    assertEquals(List.of("GROUP", "STATE", "MEMBERS", "GENERATION", "LAG"), words(table.get(0)));
    assertEquals(List.of("g", "EMPTY", "0"), words(table.get(1)).subList(0, 3));
    assertEquals("3", words(table.get(1)).get(4), "5 records, 2 committed");
    JsonNode listed = json("groups", "list", "--json").get("groups");
    assertEquals(1, listed.size());
    assertEquals("g", listed.get(0).get("groupId").asText());
    assertEquals("EMPTY", listed.get(0).get("state").asText());
    assertEquals(0, listed.get(0).get("memberCount").asInt());
    assertEquals(3, listed.get(0).get("totalLag").asLong());

    JsonNode empty = json("groups", "describe", "g", "--json");
    assertEquals("sticky", empty.get("assignor").asText());
    assertEquals(0, empty.get("members").size());
    JsonNode offset = empty.get("offsets").get(0);
    assertEquals("t", offset.get("topic").asText());
    assertEquals(0, offset.get("partition").asInt());
    assertEquals(2, offset.get("committedOffset").asLong());
    assertEquals(0, offset.get("earliestOffset").asLong());
    assertEquals(5, offset.get("nextOffset").asLong());
    assertEquals(3, offset.get("lag").asLong());
    assertTrue(offset.get("owner").isNull());

    try (Member member = Member.start(onelog, "t", "g")) {
      Member.await(() -> "the rest printed: " + member.lines(), () -> member.lines().size() == 3);
      assertEquals(List.of("3", "4", "5"), member.lines(), "from the committed offset");
      JsonNode live =
          Member.awaitGroup(
              onelog,
              "g",
              "one member holding t-0 and lag 0",
              g -> Member.eachMemberHolds(g, 1, 1) && g.get("totalLag").asLong() == 0);
      JsonNode m = live.get("members").get(0);
      String memberId = m.get("memberId").asText();
      assertTrue(memberId.startsWith("member-"), memberId);
      assertTrue(m.get("client").asText().contains("@"), m.toString());
      assertTrue(m.get("instanceId").isNull());
      assertEquals("t", m.get("subscription").asText());
      assertEquals(10_000, m.get("sessionTimeoutMs").asLong());
      assertEquals("t", m.get("holds").get(0).get("topic").asText());
      assertEquals(0, m.get("assigned").get(0).get("partition").asInt());
      assertEquals(memberId, live.get("offsets").get(0).get("owner").asText());
      assertEquals(5, live.get("offsets").get(0).get("committedOffset").asLong());

      String text = onelog.run("groups", "describe", "g").ok().stdout();
      assertTrue(text.contains("state:      STABLE"), text);
      assertTrue(text.contains("members:    1"), text);
      List<String> rows = text.lines().toList();
      int members =
          rows.indexOf(
              rows.stream().filter(l -> l.startsWith("MEMBER ")).findFirst().orElseThrow());
      assertEquals(
          List.of("MEMBER", "CLIENT", "INSTANCE", "LAST", "HEARTBEAT", "HOLDS", "ASSIGNED"),
          words(rows.get(members)));
      List<String> memberRow = words(rows.get(members + 1));
      assertEquals(memberId, memberRow.get(0));
      assertEquals(6, memberRow.size(), memberRow.toString());
      assertEquals(
          List.of("-", "t-0", "t-0"),
          List.of(memberRow.get(2), memberRow.get(4), memberRow.get(5)));
      int offsets =
          rows.indexOf(rows.stream().filter(l -> l.startsWith("TOPIC ")).findFirst().orElseThrow());
      assertEquals(List.of("t", "0", "5", "0", "5", "0", memberId), words(rows.get(offsets + 1)));
      member.stop();
    }
    assertEquals(
        List.of("g", "EMPTY", "0"),
        words(onelog.run("groups", "list").ok().lines().get(1)).subList(0, 3),
        "it left");
  }

  @Test
  void describeOfAnUnknownGroupNamesTheKnownGroups() {
    onelog.runWithInput("a\n", "produce", "t").ok();
    onelog.run("consume", "t", "--group", "billing").ok();
    assertEquals(
        "onelog: group 'biling' does not exist; known groups: [billing]",
        onelog.run("groups", "describe", "biling").failsWith(1));
  }

  @Test
  void resetDryRunPrintsThePlanAndChangesNothing() throws Exception {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    onelog.runWithInput("a\nb\nc\n", "produce", "t", "--partition", "0").ok();
    onelog.run("consume", "t", "--group", "g", "--from-beginning").ok();
    String before = onelog.run("groups", "describe", "g", "--json").ok().stdout();

    List<String> plan =
        onelog
            .run("groups", "reset", "g", "--topic", "t", "--to-earliest", "--dry-run")
            .ok()
            .lines();
    assertEquals(List.of("TOPIC", "PARTITION", "OLD", "NEW"), words(plan.get(0)));
    assertEquals(List.of("t", "0", "3", "0"), words(plan.get(1)));
    assertEquals(List.of("t", "1", "0", "0"), words(plan.get(2)));
    assertTrue(plan.get(3).startsWith("dry run: nothing changed"), plan.get(3));
    assertEquals(before, onelog.run("groups", "describe", "g", "--json").ok().stdout());
  }

  @Test
  void resetAndDeleteAreRefusedWhileAMemberIsLive() throws Exception {
    onelog.runWithInput("a\nb\n", "produce", "t").ok();
    try (Member member = Member.start(onelog, "t", "g", "--from-beginning")) {
      Member.await(() -> "a and b printed: " + member.lines(), () -> member.lines().size() == 2);
      String reset =
          onelog.run("groups", "reset", "g", "--topic", "t", "--to-earliest").failsWith(1);
      assertTrue(
          reset.startsWith("onelog: group 'g' has live members [member-")
              && reset.contains("so onelog will not reset its offsets; stop them"),
          reset);
      String delete = onelog.run("groups", "delete", "g").failsWith(1);
      assertTrue(delete.contains("so onelog will not delete it"), delete);
      OneLogProcess.Result second = onelog.run("consume", "t", "--group", "g").ok();
      assertEquals("", second.stdout(), "one partition, and the first member holds it");
      assertTrue(second.stderr().contains("hold every partition of 't'"), second.stderr());
      OneLogProcess.Result dryRun =
          onelog.run("groups", "reset", "g", "--topic", "t", "--to-earliest", "--dry-run").ok();
      assertTrue(dryRun.stderr().contains("the reset itself would be refused"), dryRun.stderr());
      assertEquals(
          2,
          json("groups", "describe", "g", "--json")
              .get("offsets")
              .get(0)
              .get("committedOffset")
              .asLong());
      member.stop();
    }
    onelog.run("groups", "reset", "g", "--topic", "t", "--to-earliest").ok();
    assertEquals(List.of("a", "b"), onelog.run("consume", "t", "--group", "g").ok().lines());
  }

  @Test
  void resetToOffsetThenConsumePrintsFromThere() {
    onelog.runWithInput("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n", "produce", "t").ok();
    onelog.run("consume", "t", "--group", "g", "--from-beginning").ok();
    List<String> plan =
        onelog.run("groups", "reset", "g", "--topic", "t", "--to-offset", "7").ok().lines();
    assertEquals(List.of("t", "0", "10", "7"), words(plan.get(1)));
    assertEquals("committed these offsets for group 'g'", plan.get(2));
    assertEquals(List.of("7", "8", "9"), onelog.run("consume", "t", "--group", "g").ok().lines());
  }

  @Test
  void eachResetTargetMovesTheCommittedOffset() throws Exception {
    onelog.runWithInput("0\n1\n2\n3\n", "produce", "t").ok();
    Thread.sleep(20);
    Instant between = Instant.now();
    Thread.sleep(20);
    onelog.runWithInput("4\n5\n", "produce", "t").ok();
    onelog.run("consume", "t", "--group", "g", "--from-beginning", "--max", "3").ok();
    assertEquals("1", newOffset("--shift-by", "-2"), "3 committed, minus 2");
    assertEquals("6", newOffset("--to-latest"));
    assertEquals("0", newOffset("--to-earliest"));
    assertEquals("4", newOffset("--to-time", between.toString()));
    assertEquals("6", newOffset("--to-offset", "99"), "kept within the partition");
  }

  /** Runs {@code groups reset g --topic t TARGET} and returns the new offset of partition 0. */
  private String newOffset(String... target) {
    List<String> args = new java.util.ArrayList<>(List.of("groups", "reset", "g", "--topic", "t"));
    args.addAll(List.of(target));
    return words(onelog.run(args.toArray(String[]::new)).ok().lines().get(1)).get(3);
  }

  @Test
  void resetNeedsExactlyOneTargetAndAKnownTopicAndGroup() {
    onelog.runWithInput("a\n", "produce", "t").ok();
    onelog.run("consume", "t", "--group", "g").ok();
    String none = onelog.run("groups", "reset", "g", "--topic", "t").failsWith(2);
    assertTrue(none.contains("Missing required argument"), none);
    String two =
        onelog
            .run("groups", "reset", "g", "--topic", "t", "--to-earliest", "--to-latest")
            .failsWith(2);
    assertTrue(two.contains("mutually exclusive"), two);
    assertEquals(
        "onelog: topic 'u' does not exist; known topics: [t]",
        onelog.run("groups", "reset", "g", "--topic", "u", "--to-earliest").failsWith(1));
    assertEquals(
        "onelog: group 'h' does not exist; known groups: [g]",
        onelog.run("groups", "reset", "h", "--topic", "t", "--to-earliest").failsWith(1));
  }

  @Test
  void deleteRemovesTheGroupAndItsOffsets() {
    onelog.runWithInput("a\nb\n", "produce", "t").ok();
    onelog.run("consume", "t", "--group", "g", "--from-beginning").ok();
    onelog.run("consume", "t", "--group", "h", "--from-beginning").ok();
    assertEquals("deleted group 'g'\n", onelog.run("groups", "delete", "g").ok().stdout());
    assertEquals(List.of("h"), json("groups", "list", "--json").findValuesAsText("groupId"));
    assertEquals(
        "onelog: group 'g' does not exist; known groups: [h]",
        onelog.run("groups", "delete", "g").failsWith(1));
    assertEquals(
        List.of("a", "b"),
        onelog.run("consume", "t", "--group", "g", "--from-beginning").ok().lines(),
        "a new group of the same name starts afresh");
  }

  private JsonNode json(String... args) {
    try {
      return Member.JSON.readTree(onelog.run(args).ok().stdout());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> words(String line) {
    return List.of(line.trim().split(" +"));
  }
}
