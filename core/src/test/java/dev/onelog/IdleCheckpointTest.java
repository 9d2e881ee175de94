package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A second after a commit, the checkpointer copies into the database file what a burst left below
 * its round's 2 MiB, without waiting for the next burst or the close. Seen from outside through the
 * database file's size ({@code stat}, which opens no descriptor on it).
 */
class IdleCheckpointTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  @Test
  void anIdleWriterMovesTheWalIntoTheFile() throws Exception {
    OneLog log = fixture.open();
    log.createTopic(TopicSpec.named("t"));
    Thread.sleep(1_500); // the setup's commits checkpointed too
    long before = Files.size(log.path());
    List<ProducerRecord> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      records.add(ProducerRecord.of("t", new byte[10_000])); // 1 MB: below the 2 MiB threshold
    }
    log.append(records);
    long afterAppend = Files.size(log.path());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (Files.size(log.path()) < before + 900_000 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long afterIdle = Files.size(log.path());
    assertTrue(
        afterAppend < before + 900_000,
        "the append alone left its pages in the WAL (no round yet)");
    assertTrue(afterIdle >= before + 900_000, "file " + before + " -> " + afterIdle + " bytes");
  }
}
