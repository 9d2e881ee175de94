package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Header;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ReadLimit;
import dev.onelog.TopicPartition;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafkajs (Node.js; installed into src/test/js by this module's build with {@code npm ci}) as a
 * child process against an in-process server: a client written from the protocol guide, not from
 * kafka-clients' classes.
 */
class KafkajsTest {
  private static final Path SCRIPTS = Path.of("src/test/js").toAbsolutePath();

  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("kafkajs.db"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  private String node(String script, String... args) throws Exception {
    assertTrue(
        Files.isDirectory(SCRIPTS.resolve("node_modules/kafkajs")),
        "kafkajs is not installed in " + SCRIPTS + "; the build runs 'npm ci' there (mvn test)");
    List<String> command =
        new java.util.ArrayList<>(List.of("node", SCRIPTS.resolve(script).toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve(script + ".out");
    Path err = dir.resolve(script + ".err");
    Process process =
        new ProcessBuilder(command)
            .directory(SCRIPTS.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), script + " finished");
    assertEquals(0, process.exitValue(), () -> script + " failed: " + read(err));
    return read(out);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Test
  void kafkajsProducesPlainAndGzippedRecordsAndListsOffsets() throws Exception {
    String output = node("produce.js", server.bootstrapServers(), "js", "100");
    List<LogRecord> stored = log.read(new TopicPartition("js", 0), 0, ReadLimit.records(1000));
    assertEquals(101, stored.size(), output);
    assertEquals("k42", stored.get(42).keyAsString());
    assertEquals("v42", stored.get(42).valueAsString());
    assertEquals(List.of(Header.of("n", "42")), stored.get(42).headers());
    assertEquals("by gzip", stored.get(100).valueAsString());
    assertTrue(output.contains("\"high\":\"101\""), output);
    assertTrue(output.contains("\"low\":\"0\""), output);
  }

  @Test
  void aKafkajsConsumerGroupConsumesAndCommitsWhereTheLibrarySeesIt() throws Exception {
    log.createTopic(dev.onelog.TopicSpec.named("grouped").withPartitions(2));
    for (int i = 0; i < 40; i++) {
      log.append(dev.onelog.ProducerRecord.of("grouped", "k" + i, "v" + i));
    }
    String output = node("group.js", server.bootstrapServers(), "grouped", "js-group", "40");
    for (int i = 0; i < 40; i++) {
      assertTrue(output.contains("\"v" + i + "\""), "v" + i + " in " + output);
    }
    long committed =
        log.groups().committed("js-group").values().stream()
            .mapToLong(dev.onelog.group.OffsetAndMetadata::offset)
            .sum();
    assertEquals(40, committed, "the group's commits, read by the library");
  }
}
