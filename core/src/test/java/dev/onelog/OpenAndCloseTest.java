package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAndCloseTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  @Test
  void reopeningKeepsTopicsAndRecords() {
    Path file = logs.file("log.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t").withPartitions(3));
      log.append(ProducerRecord.of("t", null, "a").withPartition(2));
    }
    assertTrue(Files.notExists(Path.of(file + "-wal")), "close checkpoints the WAL away");
    try (OneLog log = OneLog.open(file)) {
      assertEquals(List.of("t"), log.topics());
      assertEquals(
          "a", log.read(TopicPartition.of("t", 2), 0, ReadLimit.DEFAULT).get(0).valueAsString());
      assertEquals(1, log.append(ProducerRecord.of("t", null, "b").withPartition(2)).offset());
    }
  }

  @Test
  void closeCommitsEverythingSentAndIsIdempotent() {
    Path file = logs.file("log.db");
    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
    OneLog log = OneLog.open(file);
    log.createTopic(TopicSpec.named("t"));
    for (int i = 0; i < 20_000; i++) {
      futures.add(log.send(ProducerRecord.of("t", null, "v" + i)));
    }
    log.close();
    log.close();
    futures.forEach(f -> assertTrue(f.isDone() && !f.isCompletedExceptionally()));
    try (OneLog reopened = OneLog.open(file)) {
      assertEquals(20_000, reopened.nextOffset(TopicPartition.of("t", 0)));
    }
  }

  @Test
  void everyCallAfterCloseThrowsLogClosed() {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    Consumer consumer = log.consumer("t");
    log.close();
    TopicPartition t0 = TopicPartition.of("t", 0);
    assertThrows(LogClosedException.class, () -> log.send(ProducerRecord.of("t", null, "x")));
    assertThrows(LogClosedException.class, () -> log.append(ProducerRecord.of("t", null, "x")));
    assertThrows(LogClosedException.class, () -> log.read(t0, 0, ReadLimit.DEFAULT));
    assertThrows(LogClosedException.class, () -> log.createTopic(TopicSpec.named("u")));
    assertThrows(LogClosedException.class, log::topics);
    assertThrows(LogClosedException.class, () -> consumer.poll(Duration.ZERO));
    LogClosedException e = assertThrows(LogClosedException.class, log::flush);
    assertTrue(e.getMessage().contains("is closed; open it again"), e.getMessage());
  }

  @Test
  void aZeroLengthFileBecomesALog() throws IOException {
    Path file = logs.file("empty.db");
    Files.createFile(file);
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
    }
  }

  @Test
  void anotherSqliteDatabaseIsRefusedAndLeftAsItWas() throws Exception {
    Path file = logs.dir().resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
      s.execute("INSERT INTO customers (name) VALUES ('ada')");
    }
    Snapshot before = Snapshot.of(file);
    NotAOneLogFileException e =
        assertThrows(NotAOneLogFileException.class, () -> OneLog.open(file));
    assertTrue(
        e.getMessage().contains("is an SQLite database but not a onelog file"), e.getMessage());
    assertTrue(e.getMessage().contains("[customers]"), e.getMessage());
    assertEquals(before, Snapshot.of(file));
  }

  @Test
  void aFileThatIsNotSqliteIsRefusedAndLeftAsItWas() throws Exception {
    Path file = logs.dir().resolve("notes.txt");
    Files.writeString(file, "these are not the pages you are looking for\n".repeat(200));
    Snapshot before = Snapshot.of(file);
    NotAOneLogFileException e =
        assertThrows(NotAOneLogFileException.class, () -> OneLog.open(file));
    assertTrue(e.getMessage().contains("is not an SQLite database"), e.getMessage());
    assertEquals(before, Snapshot.of(file));
  }

  @Test
  void aNewerFormatIsRefusedAndLeftAsItWas() throws Exception {
    Path file = logs.dir().resolve("future.db");
    OneLog.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    Snapshot before = Snapshot.of(file);
    NewerFormatException e = assertThrows(NewerFormatException.class, () -> OneLog.open(file));
    assertEquals(99, e.fileFormatVersion());
    assertTrue(e.getMessage().contains("format 99, newer than format 6"), e.getMessage());
    assertEquals(before, Snapshot.of(file));
  }

  @Test
  void aMissingDirectoryIsAClearError() {
    Path file = logs.dir().resolve("no/such/dir/log.db");
    FileAccessException e = assertThrows(FileAccessException.class, () -> OneLog.open(file));
    assertTrue(
        e.getMessage().startsWith("directory " + file.getParent() + " does not exist"),
        e.getMessage());
    assertTrue(Files.notExists(file.getParent()));
  }

  @Test
  void aReadOnlyFileIsAClearError() throws Exception {
    Path file = logs.file("ro.db");
    OneLog.open(file).close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    Snapshot before = Snapshot.of(file);
    FileAccessException e = assertThrows(FileAccessException.class, () -> OneLog.open(file));
    assertTrue(e.getMessage().contains("is read-only"), e.getMessage());
    assertEquals(before, Snapshot.of(file));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Test
  void builderRejectsBadSettingsAtOnce() {
    OneLogBuilder builder = OneLog.builder(logs.file("x.db"));
    assertEquals(
        "maxRecordSizeBytes < 1: 0",
        assertThrows(IllegalArgumentException.class, () -> builder.maxRecordSizeBytes(0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.busyTimeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> builder.maxFileSizeBytes(-1));
    assertThrows(IllegalArgumentException.class, () -> builder.maxQueuedBytes(10));
    assertEquals(
        "maxQueuedBytes must be 1024 to 1073741824 (1 GiB), was 1073741825",
        assertThrows(IllegalArgumentException.class, () -> builder.maxQueuedBytes((1 << 30) + 1))
            .getMessage());
  }

  /** Before the limit, a queue above 1 GiB overflowed the semaphore when the writer stopped. */
  @Test
  void theLargestQueueClosesCleanlyAndSendersBlockedOnAFullQueueAreReleased() throws Exception {
    try (OneLog log = logs.open(logs.builder().maxQueuedBytes(1 << 30))) {
      log.createTopic(TopicSpec.named("t"));
      log.append(ProducerRecord.of("t", null, "x"));
    }
    OneLog log = logs.open(OneLog.builder(logs.file("small.db")).maxQueuedBytes(1024));
    log.createTopic(TopicSpec.named("t"));
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      Future<?> holder =
          pool.submit(
              () ->
                  log.transaction(
                      tx -> {
                        holding.countDown();
                        hold.await();
                      }));
      holding.await();
      List<Future<?>> senders = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        senders.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < 20; k++) {
                    log.send(ProducerRecord.of("t", null, new byte[500]));
                  }
                  return null;
                }));
      }
      Thread.sleep(200); // the senders fill the 1 KiB queue and block
      Future<?> closer = pool.submit(log::close);
      hold.countDown();
      closer.get(10, TimeUnit.SECONDS);
      holder.get(10, TimeUnit.SECONDS);
      for (Future<?> sender : senders) {
        try {
          sender.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          assertTrue(e.getCause() instanceof LogClosedException, e.getCause().toString());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void busyTimeoutFailsTheAppendAndLeavesTheFileAsItWas() throws SQLException {
    OneLog log = logs.open(logs.builder().busyTimeout(Duration.ofMillis(200)));
    log.createTopic(TopicSpec.named("t"));
    log.append(ProducerRecord.of("t", null, "before"));
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + log.path());
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      BusyTimeoutException e =
          assertThrows(
              BusyTimeoutException.class,
              () -> log.append(ProducerRecord.of("t", null, "blocked")));
      assertTrue(e.getMessage().contains("busy timeout of 200 ms"), e.getMessage());
      assertTrue(e.getMessage().contains(log.path().toString()), e.getMessage());
      s.execute("ROLLBACK");
    }
    assertEquals(1, log.nextOffset(TopicPartition.of("t", 0)));
    assertEquals(1, log.append(ProducerRecord.of("t", null, "after")).offset());
  }

  /** A file's bytes and modification time, to prove it was not touched. */
  record Snapshot(byte[] bytes, FileTime modified) {
    static Snapshot of(Path file) throws IOException {
      return new Snapshot(Files.readAllBytes(file), Files.getLastModifiedTime(file));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Snapshot s
          && java.util.Arrays.equals(bytes, s.bytes)
          && modified.equals(s.modified);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return bytes.length + " bytes, modified " + modified;
    }
  }
}
