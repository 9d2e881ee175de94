package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GetCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void printsTheNewestRecordOfTheKey() throws Exception {
    onelog.run("topics", "create", "prices", "--cleanup", "compact", "--partitions", "3").ok();
    onelog.runWithInput("a:1\nb:1\na:2\n", "produce", "prices", "--key-separator", ":").ok();
    onelog.runWithInput("a:3\n", "produce", "prices", "--key-separator", ":").ok();

    assertEquals("3\n", onelog.run("get", "prices", "a").ok().stdout());
    assertEquals("1\n", onelog.run("get", "prices", "b").ok().stdout());
    assertEquals(
        "a=3\n",
        onelog.run("get", "prices", "a", "--format", "kv", "--key-separator", "=").ok().stdout());
    JsonNode json =
        new ObjectMapper()
            .readTree(onelog.run("get", "prices", "a", "--format", "json").ok().stdout());
    assertEquals("3", json.get("value").asText());
    assertEquals("a", json.get("key").asText());
    int partition = json.get("partition").asInt();
    List<String> consumed =
        onelog
            .run(
                "consume",
                "prices",
                "--from-beginning",
                "--partition",
                "" + partition,
                "--format",
                "json")
            .ok()
            .lines();
    assertEquals(
        consumed.get(consumed.size() - 1), json.toString(), "a's newest, as consume prints it");
    assertEquals(
        "3\n",
        onelog.run("get", "prices", "a", "--partition", Integer.toString(partition)).ok().stdout());
  }

  @Test
  void looksInTheNamedPartition() {
    onelog.run("topics", "create", "t", "--cleanup", "compact", "--partitions", "4").ok();
    for (int p = 0; p < 4; p++) {
      onelog.run("produce", "t", "--partition", "" + p, "--key", "k", "--value", "v" + p).ok();
    }
    for (int p = 0; p < 4; p++) {
      assertEquals(
          "v" + p + "\n", onelog.run("get", "t", "k", "--partition", "" + p).ok().stdout());
    }
  }

  @Test
  void exitsOneWithANoteForAKeyWithoutRecords() {
    onelog.run("topics", "create", "t", "--cleanup", "compact").ok();
    onelog.run("produce", "t", "--key", "a", "--value", "1").ok();
    OneLogProcess.Result result = onelog.run("get", "t", "zz");
    assertEquals(1, result.exitCode(), result.stderr());
    assertEquals("", result.stdout());
    assertEquals(
        "onelog: key 'zz' has no record in topic 't' (none was written, or its newest is a"
            + " tombstone)\n",
        result.stderr());
  }

  @Test
  void exitsOneAfterATombstone() {
    onelog.run("topics", "create", "t", "--cleanup", "compact").ok();
    onelog.run("produce", "t", "--key", "k", "--value", "v").ok();
    assertEquals("v\n", onelog.run("get", "t", "k").ok().stdout());
    try (OneLog log = OneLog.open(onelog.file())) {
      log.append(ProducerRecord.of("t", "k".getBytes(StandardCharsets.UTF_8), null));
    }
    OneLogProcess.Result result = onelog.run("get", "t", "k");
    assertEquals(1, result.exitCode(), result.stderr());
    assertEquals("", result.stdout());
    assertTrue(result.stderr().startsWith("onelog: key 'k' has no record"), result.stderr());
  }

  @Test
  void findsABinaryKeyGivenInBase64() {
    onelog.run("topics", "create", "t", "--cleanup", "compact").ok();
    try (OneLog log = OneLog.open(onelog.file())) {
      log.append(
          ProducerRecord.of(
              "t", new byte[] {0, 1, 2, (byte) 0xff}, "binary".getBytes(StandardCharsets.UTF_8)));
    }
    assertEquals("binary\n", onelog.run("get", "t", "AAEC/w==", "--key-base64").ok().stdout());
    assertEquals(1, onelog.run("get", "t", "AAEC", "--key-base64").exitCode());
    String message = onelog.run("get", "t", "not base64!", "--key-base64").failsWith(2);
    assertTrue(message.contains("is not base64"), message);
  }

  @Test
  void aNonAsciiKeyIsFoundUnderAUtf8LocaleAndRefusedUnderC() {
    onelog.run("topics", "create", "t", "--cleanup", "compact").ok();
    try (OneLog log = OneLog.open(onelog.file())) {
      log.append(ProducerRecord.of("t", "pêche", "3.10"));
    }
    assertEquals("3.10\n", onelog.bash("LC_ALL=C.UTF-8 onelog get t 'pêche'").ok().stdout());
    String message = onelog.bash("LC_ALL=C LANG=C onelog get t 'pêche'").failsWith(2);
    assertTrue(message.contains("KEY could not be decoded in this locale"), message);
  }

  @Test
  void aTopicThatDoesNotCompactIsAnErrorWithStatusTwo() {
    onelog.run("produce", "logs", "--key", "k", "--value", "v").ok();
    String message = onelog.run("get", "logs", "k").failsWith(2);
    assertTrue(message.startsWith("onelog: topic 'logs' does not compact"), message);
    assertTrue(message.contains("'onelog topics alter logs --cleanup compact'"), message);
  }

  @Test
  void otherErrorsExitTwoAsWell() {
    onelog.run("topics", "create", "t", "--cleanup", "compact").ok();
    assertEquals(
        "onelog: topic 'nope' does not exist; known topics: [t]",
        onelog.run("get", "nope", "k").failsWith(2));
    assertTrue(
        onelog.run("get", "t", "k", "--partition", "3").failsWith(2).contains("partition 3"));
    assertTrue(onelog.run("get", "t").failsWith(2).contains("Missing required parameter: 'KEY'"));
  }
}
