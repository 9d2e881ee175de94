package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Header;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real shell pipes into and out of the command, as in {@code seq 100000 | onelog produce t}. */
class PipeIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void pipeInThenPipeOut() {
    onelog.bash("seq 100000 | onelog produce t").ok();
    assertEquals(
        "100000",
        onelog
            .bash("onelog consume t --from-beginning --max 100000 | wc -l")
            .ok()
            .stdout()
            .strip());
    assertEquals(
        String.valueOf(100000L * 100001 / 2),
        onelog
            .bash(
                "onelog consume t --from-beginning | awk '{ s += $1 } END { printf \"%.0f\\n\", s }'")
            .ok()
            .stdout()
            .strip());
    assertEquals(
        "100000", onelog.bash("onelog consume t --from-beginning | tail -1").ok().stdout().strip());
  }

  @Test
  void closedStdoutEndsConsumeQuietlyWithStatusZero() {
    onelog.bash("seq 200000 | onelog produce t").ok();
    OneLogProcess.Result result =
        onelog
            .bash(
                "onelog consume t --from-beginning --format json 2>consume.err | head -1; echo \"status ${PIPESTATUS[0]}\"; cat consume.err")
            .ok();
    assertEquals(2, result.lines().size(), result.stdout());
    assertEquals("status 0", result.lines().get(1));
    assertEquals("", result.stderr());
  }

  @Test
  void consumeOutputFeedsProduce() {
    onelog.bash("seq 1000 | onelog produce a").ok();
    onelog.bash("onelog consume a --from-beginning | onelog produce b").ok();
    assertEquals(
        "1000", onelog.bash("onelog consume b --from-beginning | wc -l").ok().stdout().strip());
  }

  /** Bytes that are not UTF-8 (a lone 0xff, an overlong NUL) among JSON's special characters. */
  private static final byte[] BINARY = {0, (byte) 0xff, '\n', (byte) 0xc0, (byte) 0x80, '"', '\\'};

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] everyByte() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }

  @Test
  void jsonThroughAPipeCopiesKeysValuesHeadersTimestampsNullsAndBinary() {
    long may2024 = 1714564800000L;
    List<ProducerRecord> originals =
        List.of(
            new ProducerRecord(
                "a",
                null,
                may2024,
                BINARY,
                utf8("text é 😀"),
                List.of(
                    Header.of("h", "one"),
                    Header.of("h", BINARY),
                    Header.of("h", (byte[]) null),
                    Header.of("other", ""))),
            new ProducerRecord("a", null, may2024 + 1, utf8("deleted"), null, List.of()),
            new ProducerRecord("a", null, may2024 + 2, null, everyByte(), List.of()),
            new ProducerRecord("a", null, may2024 + 3, new byte[0], new byte[0], List.of()),
            new ProducerRecord("a", null, 0L, null, utf8("line\nbreak\r\n\ttab"), List.of()));
    try (OneLog log = OneLog.open(onelog.file())) {
      log.createTopic(TopicSpec.named("a"));
      log.append(originals);
    }

    onelog
        .bash(
            "set -o pipefail; onelog consume a --from-beginning --format json"
                + " | onelog produce b --format json")
        .ok();

    List<LogRecord> copies = onelog.stored("b");
    assertEquals(originals.size(), copies.size());
    for (int i = 0; i < originals.size(); i++) {
      ProducerRecord original = originals.get(i);
      LogRecord copy = copies.get(i);
      String which = "record " + i + ": " + copy;
      assertEquals(original.timestampMs(), copy.timestampMs(), which);
      assertArrayEquals(original.key(), copy.key(), which);
      assertArrayEquals(original.value(), copy.value(), which);
      assertEquals(original.headers(), copy.headers(), which);
    }
  }

  @Test
  void keepPartitionCopiesEachRecordToItsPartitionWhichIsOtherwiseIgnored() {
    try (OneLog log = OneLog.open(onelog.file())) {
      log.createTopic(TopicSpec.named("a").withPartitions(3));
      log.append(
          List.of(
              new ProducerRecord("a", 2, null, null, utf8("x"), List.of()),
              new ProducerRecord("a", 0, null, null, utf8("y"), List.of()),
              new ProducerRecord("a", 2, null, null, utf8("z"), List.of())));
    }
    String consume = "set -o pipefail; onelog consume a --from-beginning --format json | ";

    onelog.run("topics", "create", "same", "--partitions", "3").ok();
    onelog.bash(consume + "onelog produce same --format json --keep-partition").ok();
    assertEquals(
        List.of("0:y", "2:x", "2:z"),
        onelog.stored("same").stream().map(r -> r.partition() + ":" + r.valueAsString()).toList());

    onelog.run("topics", "create", "one").ok();
    onelog.bash(consume + "onelog produce one --format json").ok();
    assertEquals(3, onelog.stored("one").size(), "partition 2 is not looked at without the flag");

    String message =
        onelog.bash(consume + "onelog produce one --format json --keep-partition").failsWith(1);
    assertTrue(message.contains("was not stored") && message.contains("partition 2"), message);
  }
}
