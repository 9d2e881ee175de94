package dev.onelog.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code onelog consume TOPIC --group G}: members that share a topic and commit what they print.
 */
class ConsumeGroupIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  private final ExecutorService background = Executors.newCachedThreadPool();

  @AfterEach
  void stopBackground() {
    background.shutdownNow();
  }

  @Test
  void consumingTwiceWithAGroupPrintsEachRecordOnce() {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    onelog.runWithInput("1\n2\n3\n4\n5\n", "produce", "t").ok();
    List<String> first =
        onelog.run("consume", "t", "--group", "g", "--from-beginning").ok().lines();
    assertEquals(List.of("1", "2", "3", "4", "5"), sorted(first));

    onelog.runWithInput("6\n7\n8\n", "produce", "t").ok();
    List<String> second = onelog.run("consume", "t", "--group", "g").ok().lines();
    assertEquals(List.of("6", "7", "8"), sorted(second), "only what was produced since");

    OneLogProcess.Result third = onelog.run("consume", "t", "--group", "g").ok();
    assertEquals("", third.stdout());
    assertTrue(third.stderr().contains("no records left to read"), third.stderr());
  }

  @Test
  void fromBeginningAppliesOnlyWhereTheGroupHasNoCommittedOffset() throws Exception {
    onelog.runWithInput("a\nb\n", "produce", "t").ok();
    OneLogProcess.Result late = onelog.run("consume", "t", "--group", "late").ok();
    assertEquals("", late.stdout(), "a new group starts at the end, as in Kafka");
    assertTrue(late.stderr().contains("add --from-beginning"), late.stderr());
    JsonNode described =
        Member.JSON.readTree(onelog.run("groups", "describe", "late", "--json").ok().stdout());
    assertEquals(2, described.get("offsets").get(0).get("committedOffset").asLong(), "the end");

    onelog.runWithInput("c\n", "produce", "t").ok();
    assertEquals(
        List.of("c"),
        onelog.run("consume", "t", "--group", "late", "--from-beginning").ok().lines(),
        "the committed offset wins over --from-beginning");
    assertEquals(
        List.of("a", "b", "c"),
        onelog.run("consume", "t", "--group", "early", "--from-beginning").ok().lines());
  }

  @Test
  void maxCommitsOnlyThePrintedRecords() {
    onelog.runWithInput("1\n2\n3\n4\n5\n", "produce", "t").ok();
    assertEquals(
        List.of("1", "2"),
        onelog.run("consume", "t", "--group", "g", "--from-beginning", "--max", "2").ok().lines());
    assertEquals(List.of("3", "4", "5"), onelog.run("consume", "t", "--group", "g").ok().lines());
  }

  @Test
  void outputOptionsWorkWithAGroup() throws Exception {
    onelog.runWithInput("k1=v1\nk2=v2\n", "produce", "t", "--key-separator", "=").ok();
    assertEquals(
        List.of("k1 -> v1"),
        onelog
            .run(
                "consume",
                "t",
                "--group",
                "kv",
                "--from-beginning",
                "--max",
                "1",
                "--format",
                "kv",
                "--key-separator",
                " -> ")
            .ok()
            .lines());
    List<String> json =
        onelog
            .run("consume", "t", "--group", "json", "--from-beginning", "--format", "json")
            .ok()
            .lines();
    assertEquals(2, json.size());
    JsonNode second = Member.JSON.readTree(json.get(1));
    assertEquals(1, second.get("offset").asLong());
    assertEquals("k2", second.get("key").asText());
    assertEquals("v2", second.get("value").asText());
  }

  @Test
  void groupIsRefusedWithOptionsThatChooseWhereToRead() {
    onelog.run("topics", "create", "t").ok();
    String partition = onelog.run("consume", "t", "--group", "g", "--partition", "0").failsWith(2);
    assertTrue(partition.contains("--group cannot be combined with --partition"), partition);
    String offset = onelog.run("consume", "t", "--group", "g", "--offset", "3").failsWith(2);
    assertTrue(
        offset.contains("--group cannot be combined with --offset")
            && offset.contains("onelog groups reset g --topic t --to-offset N"),
        offset);
    String time =
        onelog
            .run("consume", "t", "--group", "g", "--from-time", "2024-05-01T00:00:00Z")
            .failsWith(2);
    assertTrue(time.contains("--to-time TIME"), time);
    String session = onelog.run("consume", "t", "--session-timeout", "1s").failsWith(2);
    assertTrue(session.contains("add --group GROUP"), session);
    String blank = onelog.run("consume", "t", "--group", " ").failsWith(2);
    assertTrue(blank.contains("must not be empty or blank"), blank);
    assertEquals("", onelog.run("groups", "list").ok().stdout(), "no group was created");
  }

  @Test
  void unknownTopicListsKnownTopicsAndCreatesNoGroup() {
    onelog.run("topics", "create", "orders").ok();
    assertEquals(
        "onelog: topic 'ordrs' does not exist; known topics: [orders]",
        onelog.run("consume", "ordrs", "--group", "g").failsWith(1));
    assertEquals("", onelog.run("groups", "list").ok().stdout());
  }

  /**
   * Two members share a 2-partition topic, each printing one partition's records; the second stops
   * on SIGTERM while records keep arriving, and the first takes its partition over from its last
   * commit. A clean stop commits everything printed before it leaves, so every record is printed
   * exactly once.
   */
  @Test
  void twoMembersShareATopicAndOneTakesOverWhenTheOtherStops() throws Exception {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    try (Member a = Member.start(onelog, "t", "g", "--from-beginning");
        Member b = Member.start(onelog, "t", "g", "--from-beginning")) {
      Member.awaitGroup(
          onelog,
          "g",
          "two members holding a partition each",
          g -> Member.eachMemberHolds(g, 2, 1));
      onelog.runWithInput(values("p0-", 1, 20), "produce", "t", "--partition", "0").ok();
      onelog.runWithInput(values("p1-", 1, 20), "produce", "t", "--partition", "1").ok();
      Member.await(
          () -> "40 records printed; a: " + a.lines() + ", b: " + b.lines(),
          () -> a.lines().size() + b.lines().size() == 40);
      Set<String> aPartitions = partitionsOf(a.lines());
      Set<String> bPartitions = partitionsOf(b.lines());
      assertEquals(1, aPartitions.size(), "a prints one partition: " + a.lines());
      assertEquals(1, bPartitions.size(), "b prints one partition: " + b.lines());
      assertTrue(!aPartitions.equals(bPartitions), "they share the topic");

      // Records keep arriving in b's partition while b stops (through a producer that is up),
      // and after it stopped, so that a has some to print whenever b's stop ends.
      String bPrefix = bPartitions.iterator().next();
      long stopMs;
      Process producer = onelog.start("produce", "t", "--partition", bPrefix.substring(1, 2));
      try (Writer in = new OutputStreamWriter(producer.getOutputStream(), UTF_8)) {
        in.write(bPrefix + "21\n");
        in.flush();
        Member.await(
            () -> "b to print " + bPrefix + "21", () -> b.lines().contains(bPrefix + "21"));
        Future<Long> stopping = null;
        for (int i = 22; i <= 50; i++) {
          if (i == 31) {
            stopping = background.submit(b::stop);
          }
          in.write(bPrefix + i + "\n");
          in.flush();
          Thread.sleep(20);
        }
        stopMs = stopping.get();
        in.write(bPrefix + "51\n");
      }
      assertTrue(producer.waitFor(Member.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      assertEquals(0, producer.exitValue(), "produce's exit status");
      List<String> expected = new ArrayList<>();
      expected.addAll(List.of(values("p0-", 1, 20).split("\n")));
      expected.addAll(List.of(values("p1-", 1, 20).split("\n")));
      expected.addAll(List.of(values(bPrefix, 21, 51).split("\n")));
      Member.await(
          () -> "a to print what b left; a: " + a.lines() + ", b: " + b.lines(),
          () -> union(a.lines(), b.lines()).containsAll(expected));
      assertTrue(a.lines().contains(bPrefix + "51"), "a took b's partition over: " + a.lines());
      a.stop();

      List<String> all = new ArrayList<>(a.lines());
      all.addAll(b.lines());
      assertEquals(Set.copyOf(expected), Set.copyOf(all), "every record printed");
      if (stopMs < Shutdown.GRACE_MS) {
        // b returned by itself, so it committed what it printed and left: nothing twice.
        assertEquals(sorted(expected), sorted(all), "each record printed once");
      } else {
        System.err.println(
            "b took " + stopMs + " ms to stop, past the grace: checked at-least-once only");
      }
    }
    JsonNode group =
        Member.JSON.readTree(onelog.run("groups", "describe", "g", "--json").ok().stdout());
    assertEquals("EMPTY", group.get("state").asText());
    for (JsonNode partition : group.get("offsets")) {
      assertEquals(0, partition.get("lag").asLong(), "all committed: " + partition);
    }
  }

  /**
   * A member killed with SIGKILL neither commits nor leaves: its partitions move to the other
   * member once its session times out, from its last commit, so records are printed at least once.
   */
  @Test
  void aKilledMemberLosesItsPartitionsAfterItsSessionTimeout() throws Exception {
    onelog.run("topics", "create", "t", "--partitions", "2").ok();
    try (Member a = Member.start(onelog, "t", "g", "--from-beginning", "--session-timeout", "1s");
        Member b = Member.start(onelog, "t", "g", "--from-beginning", "--session-timeout", "1s")) {
      Member.awaitGroup(
          onelog,
          "g",
          "two members holding a partition each",
          g -> Member.eachMemberHolds(g, 2, 1));
      onelog.runWithInput(values("p0-", 1, 10), "produce", "t", "--partition", "0").ok();
      onelog.runWithInput(values("p1-", 1, 10), "produce", "t", "--partition", "1").ok();
      Member.await(
          () -> "20 records printed; a: " + a.lines() + ", b: " + b.lines(),
          () -> a.lines().size() + b.lines().size() == 20);
      String bPartition = partitionsOf(b.lines()).iterator().next();
      b.kill();
      onelog
          .runWithInput(
              values(bPartition, 11, 20), "produce", "t", "--partition", bPartition.substring(1, 2))
          .ok();
      Member.await(
          () -> "a to print b's partition after b's session expired: " + a.lines(),
          () -> a.lines().contains(bPartition + "20"));
      assertTrue(
          a.lines().containsAll(List.of(values(bPartition, 11, 20).split("\n"))),
          a.lines().toString());
      a.stop();
    }
    JsonNode group =
        Member.JSON.readTree(onelog.run("groups", "describe", "g", "--json").ok().stdout());
    assertEquals("EMPTY", group.get("state").asText(), "b's session expired, a left");
  }

  /** "p0-1\np0-2\n..." */
  private static String values(String prefix, int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(i -> prefix + i + "\n")
        .collect(Collectors.joining());
  }

  /** The prefixes ("p0-", "p1-") of the printed values, i.e. the partitions they came from. */
  private static Set<String> partitionsOf(List<String> lines) {
    return lines.stream().map(l -> l.substring(0, 3)).collect(Collectors.toSet());
  }

  private static Set<String> union(List<String> a, List<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  private static List<String> sorted(List<String> lines) {
    return lines.stream().sorted().toList();
  }
}
