package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReadOnlyTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  private Path writeLog() {
    Path file = logs.file("log.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      log.append(List.of(ProducerRecord.of("t", "k1", "v1"), ProducerRecord.of("t", "k2", "v2")));
    }
    return file;
  }

  @Test
  void aReadOnlyLogReadsEverythingAndWritesNothing() throws Exception {
    Path file = writeLog();
    OpenAndCloseTest.Snapshot before = OpenAndCloseTest.Snapshot.of(file);
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      assertEquals(List.of("t"), log.topics());
      assertEquals(2, log.describeTopic("t").recordCount());
      assertEquals("v2", log.read(T0, 1, ReadLimit.DEFAULT).get(0).valueAsString());
      try (Consumer consumer = log.consumer("t")) {
        assertEquals(2, consumer.poll(Duration.ofSeconds(1)).size());
      }
      assertTrue(log.verify().ok());
      assertTrue(log.fileSizeBytes() > 0);
    }
    assertEquals(before, OpenAndCloseTest.Snapshot.of(file));
  }

  @Test
  void writingToAReadOnlyLogIsAClearError() {
    Path file = writeLog();
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      FileAccessException e =
          assertThrows(
              FileAccessException.class, () -> log.send(ProducerRecord.of("t", null, "x")));
      assertEquals(
          "the log "
              + file
              + " was opened read-only; open it without readOnly() to append or change topics",
          e.getMessage());
      assertThrows(
          FileAccessException.class, () -> log.append(List.of(ProducerRecord.of("t", null, "x"))));
      assertThrows(FileAccessException.class, () -> log.createTopic(TopicSpec.named("u")));
      assertThrows(FileAccessException.class, () -> log.deleteTopic("t"));
      assertThrows(FileAccessException.class, log::flush);
    }
  }

  @Test
  void aReadOnlyLogMustExist() {
    Path missing = logs.dir().resolve("missing.db");
    FileAccessException e =
        assertThrows(FileAccessException.class, () -> OneLog.builder(missing).readOnly().open());
    assertTrue(
        e.getMessage()
            .startsWith(missing + " does not exist; a log opened read-only must exist already"),
        e.getMessage());
    assertTrue(Files.notExists(missing));
  }

  @Test
  void aFileWithoutWritePermissionOpensReadOnly() throws Exception {
    Path file = writeLog();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      assertEquals(2, log.nextOffset(T0));
    } finally {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  @Test
  void aReadOnlyLogLeavesTheWalAndShmFilesBehindAndAReadWriteOpenCleansThemUp() throws Exception {
    Path file = writeLog();
    Path wal = Path.of(file + "-wal");
    Path shm = Path.of(file + "-shm");
    assertTrue(Files.notExists(wal) && Files.notExists(shm), "a read-write close removes them");
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      assertEquals(2, log.nextOffset(T0));
    }
    // docs/FORMAT.md section 1: a read-only connection can neither checkpoint nor delete them.
    assertTrue(Files.exists(wal), "-wal after the read-only close");
    assertTrue(Files.exists(shm), "-shm after the read-only close");
    OneLog.open(file).close();
    assertTrue(Files.notExists(wal) && Files.notExists(shm), "a read-write close removes them");
  }

  @Test
  void aReadOnlyConsumerSeesAnotherWritersCommits() {
    Path file = writeLog();
    try (OneLog writer = OneLog.open(file);
        OneLog reader = OneLog.builder(file).readOnly().open();
        Consumer consumer = reader.consumer("t")) {
      consumer.seekToEnd();
      writer.append(ProducerRecord.of("t", null, "new"));
      List<LogRecord> records = consumer.poll(Duration.ofSeconds(10));
      assertEquals("new", records.get(0).valueAsString());
      assertEquals(2, records.get(0).offset());
    }
  }
}
