package dev.onelog.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Header;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.ReadLimit;
import dev.onelog.TopicPartition;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kcat (librdkafka's command-line client, installed by {@code .ci/run}) as a child process against
 * an in-process server: librdkafka negotiates its own versions and sends its own batches.
 */
class KcatTest {
  @TempDir Path dir;

  private OneLog log;
  private KafkaServer server;

  @BeforeEach
  void start() {
    log = OneLog.open(dir.resolve("kcat.db"));
    server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 0)).start();
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  private record Run(int status, String stdout, String stderr) {}

  private Run kcat(String input, String... args) throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(List.of("kcat", "-b", server.bootstrapServers()));
    command.addAll(List.of(args));
    Path out = dir.resolve("kcat.out");
    Path err = dir.resolve("kcat.err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kcat finished: " + command);
    return new Run(
        process.exitValue(),
        java.nio.file.Files.readString(out),
        java.nio.file.Files.readString(err));
  }

  @Test
  void kcatProducesWithHeadersAndConsumesWhatTheLibraryAppended() throws Exception {
    Run produced =
        kcat("k1:one\nk2:two\n", "-P", "-t", "kc", "-p", "0", "-K:", "-H", "h=a", "-H", "h=b");
    assertEquals(0, produced.status(), produced.stderr());
    List<LogRecord> stored = log.read(new TopicPartition("kc", 0), 0, ReadLimit.records(10));
    assertEquals(2, stored.size());
    assertEquals("k2", stored.get(1).keyAsString());
    assertEquals("two", stored.get(1).valueAsString());
    assertEquals(List.of(Header.of("h", "a"), Header.of("h", "b")), stored.get(1).headers());

    log.append(
        new ProducerRecord("kc", 0, 7L, null, "three".getBytes(StandardCharsets.UTF_8), List.of()));
    Run consumed =
        kcat("", "-C", "-t", "kc", "-p", "0", "-o", "beginning", "-e", "-f", "%o %k=%s %h\\n");
    assertEquals(0, consumed.status(), consumed.stderr());
    assertEquals(
        List.of("0 k1=one h=a,h=b", "1 k2=two h=a,h=b", "2 =three "),
        consumed.stdout().lines().toList());
  }

  @Test
  void kcatListsTheTopicsInItsMetadata() throws Exception {
    log.createTopic(dev.onelog.TopicSpec.named("listed").withPartitions(3));
    Run listed = kcat("", "-L", "-t", "listed");
    assertEquals(0, listed.status(), listed.stderr());
    assertTrue(listed.stdout().contains("topic \"listed\" with 3 partitions"), listed.stdout());
  }

  @Test
  void kcatConsumesAsAGroupMemberAndCommits() throws Exception {
    log.createTopic(dev.onelog.TopicSpec.named("kg").withPartitions(2));
    for (int i = 0; i < 20; i++) {
      log.append(ProducerRecord.of("kg", "k" + i, "v" + i));
    }
    Run consumed =
        kcat(
            "",
            "-G",
            "kcat-group",
            "kg",
            "-o",
            "beginning",
            "-e",
            "-X",
            "enable.auto.commit=true",
            "-X",
            "auto.commit.interval.ms=100",
            "-f",
            "%s\\n");
    assertEquals(0, consumed.status(), consumed.stderr());
    assertEquals(20, consumed.stdout().lines().count(), consumed.stdout());
    long committed =
        log.groups().committed("kcat-group").values().stream()
            .mapToLong(dev.onelog.group.OffsetAndMetadata::offset)
            .sum();
    assertEquals(20, committed, "kcat's commits, read by the library");
  }
}
