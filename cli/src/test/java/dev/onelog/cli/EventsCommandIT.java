package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onelog.OneLog;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import dev.onelog.eventstore.Projection;
import dev.onelog.eventstore.ProjectionState;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code onelog events ...} and {@code onelog projections list}, run as the real command. */
class EventsCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void appendPrintsTheNewVersionAndReadPrintsOneEventALine() {
    assertEquals(
        "1\n",
        onelog
            .runWithInput(
                "{\"amount\":5}\n{\"amount\":7}\n",
                "events",
                "append",
                "acct-1",
                "--type",
                "Deposited",
                "--expected-version",
                "no-stream")
            .ok()
            .stdout());
    onelog.runWithInput("x\n", "events", "append", "other", "--type", "Opened").ok();
    assertEquals(
        "2\n",
        onelog
            .runWithInput(
                "{\"amount\":2}\n",
                "events",
                "append",
                "acct-1",
                "--type",
                "Withdrawn",
                "--expected-version",
                "1")
            .ok()
            .stdout());

    assertEquals(
        List.of(
            "0\tacct-1\t0\tDeposited\t{\"amount\":5}",
            "1\tacct-1\t1\tDeposited\t{\"amount\":7}",
            "3\tacct-1\t2\tWithdrawn\t{\"amount\":2}"),
        onelog.run("events", "read", "acct-1").ok().lines());
    assertEquals(
        List.of(
            "1\tacct-1\t1\tDeposited\t{\"amount\":7}", "0\tacct-1\t0\tDeposited\t{\"amount\":5}"),
        onelog.run("events", "read", "acct-1", "--backward", "--from-version", "1").ok().lines());
    assertEquals(
        List.of("3\tacct-1\t2\tWithdrawn\t{\"amount\":2}"),
        onelog.run("events", "read", "acct-1", "--from-version", "2").ok().lines());
    assertEquals(
        List.of("3\tacct-1\t2\tWithdrawn\t{\"amount\":2}"),
        onelog
            .run("events", "read", "acct-1", "--backward", "--from-version", "99", "--max", "1")
            .ok()
            .lines());
    assertEquals(
        List.of("2\tother\t0\tOpened\tx", "3\tacct-1\t2\tWithdrawn\t{\"amount\":2}"),
        onelog
            .run("events", "all", "--from-position", "1", "--type", "Opened", "--type", "Withdrawn")
            .ok()
            .lines());
    assertEquals(
        List.of("STREAM", "acct-1", "other"),
        onelog.run("events", "streams").ok().lines().stream()
            .map(line -> line.split(" +")[0])
            .toList());
  }

  @Test
  void aVersionConflictExitsWithThreeNamesBothVersionsAndAppendsNothing() {
    onelog.runWithInput("a\nb\n", "events", "append", "s", "--type", "T").ok();
    String message =
        onelog
            .runWithInput(
                "c\nd\n", "events", "append", "s", "--type", "T", "--expected-version", "0")
            .failsWith(AppendEventsCommand.CONFLICT);
    assertEquals(
        "onelog: stream 's' is at version 1, but the append expected version 0; nothing was"
            + " appended. Read the stream again and retry with the version you read",
        message);
    onelog
        .runWithInput(
            "c\n", "events", "append", "s", "--type", "T", "--expected-version", "no-stream")
        .failsWith(AppendEventsCommand.CONFLICT);
    assertEquals(2, onelog.run("events", "read", "s").ok().lines().size());
  }

  @Test
  void badInputSaysWhatIsWrongAndLeavesTheFileUnchanged() throws IOException {
    onelog.runWithInput("a\n", "events", "append", "s", "--type", "T").ok();
    byte[] before = Files.readAllBytes(onelog.file());
    String badLine =
        onelog
            .runWithInput(
                "{\"type\":\"T\",\"data\":\"ok\"}\n{\"type\":\"T\",\"dat\":\"typo\"}\n",
                "events",
                "append",
                "s",
                "--format",
                "json")
            .failsWith(1);
    assertTrue(badLine.startsWith("onelog: line 2 has an unknown field \"dat\""), badLine);
    assertTrue(badLine.endsWith("(nothing was appended)"), badLine);
    assertTrue(
        onelog
            .run("events", "append", "s", "--type", "T")
            .failsWith(1)
            .startsWith("onelog: no events on standard input"));
    assertTrue(
        onelog
            .runWithInput("x\n", "events", "append", "s", "--type", "T", "--expected-version", "-1")
            .failsWith(2)
            .contains("versions start at 0; use no-stream for a stream without events"));
    assertTrue(
        onelog
            .runWithInput("x\n", "events", "append", "s")
            .failsWith(2)
            .contains("--type is required"));
    assertArrayEquals(before, Files.readAllBytes(onelog.file()), "file unchanged");
    assertEquals(
        "onelog: stream 'nope' has no events (it does not exist, or was deleted);"
            + " 'onelog events streams' lists the streams",
        onelog.run("events", "read", "nope").failsWith(1));
  }

  @Test
  void aFileWithoutAnEventStoreIsRefusedByTheReadingCommands() {
    onelog.run("topics", "create", "t").ok();
    assertTrue(
        onelog
            .run("events", "streams")
            .failsWith(1)
            .startsWith("onelog: this file has no event store yet"));
  }

  @Test
  void jsonRoundTripCopiesAStreamWithBinaryDataAndTags() throws Exception {
    byte[] binary = {0, (byte) 0xff, 'x'};
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.write("{\"note\":\"é\"}\n".getBytes(StandardCharsets.UTF_8));
    input.write(binary);
    input.write('\n');
    onelog.runWithInput(input.toByteArray(), "events", "append", "a", "--type", "Noted").ok();
    onelog
        .runWithInput(
            "{\"type\":\"Tagged\",\"data\":\"t\",\"metadata\":\"m\",\"tags\":[\"k\"]}\n",
            "events",
            "append",
            "a",
            "--format",
            "json")
        .ok();

    onelog
        .bash(
            "onelog events read a --format json"
                + " | onelog events append b --format json --expected-version no-stream")
        .ok();

    List<String> a = onelog.run("events", "read", "a", "--format", "json").ok().lines();
    List<String> b = onelog.run("events", "read", "b", "--format", "json").ok().lines();
    assertEquals(3, b.size());
    for (int i = 0; i < 3; i++) {
      JsonNode original = JSON.readTree(a.get(i));
      JsonNode copy = JSON.readTree(b.get(i));
      assertEquals("b", copy.get("stream").asText());
      assertEquals(i, copy.get("version").asLong());
      assertFalse(original.get("id").equals(copy.get("id")), "a copy gets new ids");
      for (String field :
          List.of("type", "data", "dataEncoding", "metadata", "metadataEncoding", "tags")) {
        assertEquals(original.get(field), copy.get(field), field + " of event " + i);
      }
    }
    JsonNode bin = JSON.readTree(b.get(1));
    assertEquals("base64", bin.get("dataEncoding").asText());
    assertArrayEquals(binary, Base64.getDecoder().decode(bin.get("data").asText()));
    assertEquals("{\"note\":\"é\"}", JSON.readTree(b.get(0)).get("data").asText());
    assertEquals("[\"k\"]", JSON.readTree(b.get(2)).get("tags").toString());
  }

  @Test
  void followPrintsEventsAnotherProcessAppendsAndEndsOnSigterm() throws Exception {
    onelog.runWithInput("before\n", "events", "append", "s", "--type", "T").ok();
    Process follower = onelog.start("events", "all", "--follow");
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(follower.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("0\ts\t0\tT\tbefore", readLine(out));
      onelog.runWithInput("after\n", "events", "append", "s", "--type", "T").ok();
      assertEquals("1\ts\t1\tT\tafter", readLine(out));
      assertTrue(follower.isAlive(), "still following");
    } finally {
      follower.destroy();
      assertTrue(follower.waitFor(10, TimeUnit.SECONDS), "ends on SIGTERM");
    }
    assertFalse(
        onelog.dir().resolve("onelog.db-wal").toFile().exists(),
        "closed cleanly: the WAL was checkpointed away");
  }

  @Test
  void followEndsWithStatusZeroWhenItsReaderGoesAway() {
    String script =
        "echo one | onelog events append s --type T > /dev/null\n"
            + "( set -o pipefail; onelog events all --follow | head -1 > first.txt;"
            + " echo $? > status.txt ) &\n"
            + "for i in $(seq 300); do [ -s first.txt ] && break; sleep 0.1; done\n"
            + "echo two | onelog events append s --type T > /dev/null\n"
            + "wait\n"
            + "cat first.txt status.txt\n";
    assertEquals(List.of("0\ts\t0\tT\tone", "0"), onelog.bash(script).ok().lines());
  }

  @Test
  void projectionsListShowsCheckpointLagStateAndLastError() throws Exception {
    try (OneLog log = OneLog.open(onelog.file())) {
      EventStore store = log.eventStore();
      store.append(
          "s",
          ExpectedVersion.noStream(),
          List.of(EventData.of("Good", new byte[0]), EventData.of("Bad", new byte[0])));
      try (Projection failing =
          store
              .projection("fussy")
              .handler(
                  (event, tx) -> {
                    if (event.type().equals("Bad")) {
                      throw new IllegalStateException("cannot handle Bad");
                    }
                  })
              .batchSize(1)
              .start()) {
        for (int i = 0; i < 500 && failing.status().state() != ProjectionState.FAILED; i++) {
          Thread.sleep(10);
        }
        assertEquals(ProjectionState.FAILED, failing.status().state());
      }
      try (Projection all = store.projection("all").handler((event, tx) -> {}).start()) {
        assertTrue(all.awaitCheckpoint(2, Duration.ofSeconds(10)));
      }
    }

    List<String> table = onelog.run("projections", "list").ok().lines();
    assertEquals(3, table.size(), String.join("\n", table));
    assertTrue(
        table.get(0).matches("PROJECTION +CHECKPOINT +LAG +STATE +LAST ERROR"), table.get(0));
    assertTrue(table.get(1).matches("all +2 +0 +ACTIVE +-"), table.get(1));
    assertTrue(
        table.get(2).matches("fussy +1 +1 +FAILED +at position 1: .*cannot handle Bad.*"),
        table.get(2));

    JsonNode fussy =
        JSON.readTree(onelog.run("projections", "list", "--json").ok().stdout())
            .get("projections")
            .get(1);
    assertEquals("fussy", fussy.get("name").asText());
    assertEquals(1, fussy.get("checkpoint").asLong());
    assertEquals(1, fussy.get("lag").asLong());
    assertEquals("FAILED", fussy.get("state").asText());
    assertEquals(1, fussy.get("failedPosition").asLong());
    assertTrue(fussy.get("error").asText().contains("cannot handle Bad"));
  }

  private static String readLine(BufferedReader reader) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .get(30, TimeUnit.SECONDS);
  }
}
