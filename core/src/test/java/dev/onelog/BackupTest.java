package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onelog.internal.storage.FileFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code log.backup}: the copy is a onelog file holding one instant of the log, made while a writer
 * appends; destinations that must not be written are refused before anything is copied; a failed or
 * stopped backup leaves nothing behind. The fixture checks every file's invariants afterwards, the
 * copies' included.
 */
class BackupTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopWorkers() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS), "workers stopped");
  }

  @Test
  void theCopyIsAOneLogFileWithEveryRecordThatPassesVerify() throws Exception {
    OneLog log = logs.open(logs.builder().durability(Durability.NORMAL));
    log.createTopic(TopicSpec.named("orders").withPartitions(3));
    log.createTopic(TopicSpec.named("audit"));
    for (int i = 0; i < 300; i++) {
      log.send(ProducerRecord.of("orders", "k" + i, "v" + i).withHeader("h", "x" + i));
      log.send(ProducerRecord.of("audit", null, "a" + i));
    }
    log.flush();
    Path copy = logs.file("copy.db");

    BackupResult result = log.backup(copy);

    assertEquals(copy, result.file());
    assertEquals(Files.size(copy), result.sizeBytes());
    assertEquals(16384L * result.pageCount(), result.sizeBytes());
    assertTrue(result.elapsed().toNanos() > 0 && result.bytesPerSecond() > 0, result.toString());
    assertEquals(List.of("copy.db", "test.db", "test.db-shm", "test.db-wal"), names(logs.dir()));
    assertEquals(
        List.of(
            Integer.toString(FileFormat.APPLICATION_ID),
            Integer.toString(FileFormat.FORMAT_VERSION),
            Integer.toString(FileFormat.PAGE_SIZE_BYTES),
            "2", // incremental auto-vacuum
            "wal",
            Long.toString(result.pageCount())),
        pragmas(copy, "application_id", "user_version", "page_size", "auto_vacuum"));
    try (OneLog restored = OneLog.builder(copy).readOnly().open()) {
      assertTrue(restored.verify().ok(), restored.verify().toString());
      assertEquals(log.topics(), restored.topics());
      for (TopicPartition p :
          List.of(
              TopicPartition.of("orders", 0),
              TopicPartition.of("orders", 2),
              TopicPartition.of("audit", 0))) {
        assertEquals(readAll(log, p, log.nextOffset(p)), readAll(restored, p, log.nextOffset(p)));
      }
    }
  }

  @Test
  void aBackupWhileAWriterAppendsFinishesWithoutStartingOverAndHoldsOneInstant() throws Exception {
    OneLog log = logs.open(logs.builder().durability(Durability.NORMAL));
    log.createTopic(TopicSpec.named("a"));
    log.createTopic(TopicSpec.named("b"));
    byte[] value = new byte[1000];
    for (int i = 0; i < 25_000; i++) { // about 25 MB: more than 6 steps of 4 MiB
      log.send(List.of(ProducerRecord.of("a", value), ProducerRecord.of("b", value)));
    }
    log.flush();
    AtomicBoolean stop = new AtomicBoolean();
    Future<Long> writer =
        executor.submit(
            () -> {
              long pairs = 0;
              while (!stop.get()) { // a commit per pair, each to both topics at once
                log.append(List.of(ProducerRecord.of("a", value), ProducerRecord.of("b", value)));
                pairs++;
              }
              return pairs;
            });
    while (log.nextOffset(TopicPartition.of("a", 0)) < 25_100) {
      Thread.sleep(1); // the writer is committing
    }
    long before = log.nextOffset(TopicPartition.of("a", 0));
    Path copy = logs.file("copy.db");
    List<long[]> progress = new ArrayList<>();

    Future<BackupResult> backup =
        executor.submit(
            () ->
                log.backup(
                    copy,
                    BackupOptions.defaults()
                        .withProgress((done, total) -> progress.add(new long[] {done, total}))));
    BackupResult result = backup.get(30, TimeUnit.SECONDS);
    long pairsDuringBackup = log.nextOffset(TopicPartition.of("a", 0)) - before;
    stop.set(true);
    assertTrue(writer.get(30, TimeUnit.SECONDS) > 0);

    assertTrue(pairsDuringBackup > 0, "the writer committed while the backup ran");
    assertTrue(progress.size() >= 6, "several steps: " + progress.size());
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(
          progress.get(i)[0] > progress.get(i - 1)[0],
          "copied bytes only grow (a restart would start over at the first page): step " + i);
      assertEquals(result.sizeBytes(), progress.get(i)[1], "the total stays the snapshot's");
    }
    assertEquals(0, progress.get(0)[0]);
    assertEquals(result.sizeBytes(), progress.get(progress.size() - 1)[0]);
    try (OneLog restored = OneLog.builder(copy).readOnly().open()) {
      long a = restored.nextOffset(TopicPartition.of("a", 0));
      assertEquals(a, restored.nextOffset(TopicPartition.of("b", 0)), "pairs are whole");
      assertTrue(a >= before, "every commit before the backup began: " + a + " >= " + before);
      assertTrue(a <= log.nextOffset(TopicPartition.of("a", 0)));
      assertTrue(restored.verify().ok(), restored.verify().toString());
    }
  }

  @Test
  void anExistingDestinationIsRefusedAndLeftAsItWas() throws Exception {
    OneLog log = logWithRecords(10);
    Path existing = logs.dir().resolve("existing.db");
    Files.writeString(existing, "keep me"); // not a database: plain I/O is safe here

    FileAccessException e = assertThrows(FileAccessException.class, () -> log.backup(existing));

    assertEquals(
        existing
            + " exists; a backup replaces a file only when asked: delete it first, or back up with"
            + " BackupOptions.defaults().replaceExisting()",
        e.getMessage());
    assertEquals("keep me", Files.readString(existing));
    assertEquals(
        List.of("existing.db", "test.db", "test.db-shm", "test.db-wal"), names(logs.dir()));
  }

  @Test
  void replaceExistingPutsTheNewCopyInPlaceOfTheOldOne() throws Exception {
    OneLog log = logWithRecords(10);
    Path copy = logs.file("copy.db");
    log.backup(copy);
    log.append(ProducerRecord.of("t", null, "eleventh"));

    log.backup(copy, BackupOptions.defaults().replaceExisting());

    try (OneLog restored = OneLog.open(copy)) { // read-write: its close removes -wal and -shm
      assertEquals(11, restored.nextOffset(TopicPartition.of("t", 0)));
    }
    assertEquals(List.of("copy.db", "test.db", "test.db-shm", "test.db-wal"), names(logs.dir()));
  }

  @Test
  void aDestinationInAMissingDirectoryIsAClearError() {
    OneLog log = logWithRecords(1);
    Path missing = logs.dir().resolve("no-such-dir").resolve("copy.db");

    FileAccessException e = assertThrows(FileAccessException.class, () -> log.backup(missing));

    assertEquals(
        "directory "
            + missing.getParent()
            + " does not exist; create it first, or back up to a file in an existing directory",
        e.getMessage());
    assertFalse(Files.exists(missing.getParent()));
  }

  @Test
  void aDirectoryIsNotADestination() {
    OneLog log = logWithRecords(1);
    FileAccessException e = assertThrows(FileAccessException.class, () -> log.backup(logs.dir()));
    assertTrue(e.getMessage().startsWith(logs.dir() + " is a directory; a backup is a file"));
  }

  @Test
  void theLogsOwnFilesAreRefusedEvenWhenReplacing() throws Exception {
    OneLog log = logWithRecords(3);
    BackupOptions replace = BackupOptions.defaults().replaceExisting();
    Path link = logs.dir().resolve("link.db");
    Files.createSymbolicLink(link, log.path());

    for (Path own :
        List.of(
            log.path(),
            logs.dir().resolve("sub").resolve("..").resolve("test.db"),
            Path.of(log.path() + "-wal"),
            Path.of(log.path() + "-shm"),
            link)) {
      FileAccessException e =
          assertThrows(FileAccessException.class, () -> log.backup(own, replace), own.toString());
      assertTrue(e.getMessage().contains("the log's"), e.getMessage());
    }
    assertEquals(3, log.nextOffset(TopicPartition.of("t", 0)));
    assertEquals(List.of("link.db", "test.db", "test.db-shm", "test.db-wal"), names(logs.dir()));
  }

  @Test
  void aWalOrJournalBesideTheDestinationIsRefusedEvenWhenReplacing() throws Exception {
    OneLog log = logWithRecords(3);
    Path copy = logs.dir().resolve("copy.db");
    for (String side : List.of("-wal", "-journal", "-shm")) {
      Path stale = Path.of(copy + side);
      Files.write(stale, new byte[0]);
      FileAccessException e =
          assertThrows(
              FileAccessException.class,
              () -> log.backup(copy, BackupOptions.defaults().replaceExisting()));
      assertTrue(
          e.getMessage().startsWith(stale + " exists beside " + copy + ": a database there"),
          e.getMessage());
      Files.delete(stale);
    }
    assertFalse(Files.exists(copy));
  }

  @Test
  void theCopyIsReadableByNoMoreUsersThanTheLog() throws Exception {
    OneLog log = logWithRecords(3);
    Files.setPosixFilePermissions(log.path(), PosixFilePermissions.fromString("rw-------"));
    Path copy = logs.file("copy.db");

    log.backup(copy);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
  }

  @Test
  void aLogOpenedReadOnlyBacksUp() throws Exception {
    logWithRecords(20).close();
    OneLog readOnly = logs.open(logs.builder().readOnly());
    Path copy = logs.file("copy.db");

    BackupResult result = readOnly.backup(copy);

    assertEquals(Files.size(copy), result.sizeBytes());
    try (OneLog restored = OneLog.open(copy)) {
      assertTrue(restored.verify().ok());
      assertEquals(20, restored.append(ProducerRecord.of("t", null, "21st")).offset());
    }
  }

  @Test
  void aListenerThatThrowsStopsTheBackupAndNothingIsLeft() throws Exception {
    OneLog log = logWithRecords(20_000);
    Path copy = logs.dir().resolve("copy.db");
    IllegalStateException stopped = new IllegalStateException("enough");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                log.backup(
                    copy,
                    BackupOptions.defaults()
                        .withProgress(
                            (done, total) -> {
                              throw stopped;
                            })));

    assertSame(stopped, thrown);
    assertEquals(
        List.of("test.db", "test.db-shm", "test.db-wal"),
        names(logs.dir()),
        "deleted by the time backup returns, though the copy may still run: a JVM that exits now"
            + " leaves nothing behind");
    awaitBackupThreadsGone();
    assertEquals(List.of("test.db", "test.db-shm", "test.db-wal"), names(logs.dir()));
  }

  @Test
  void anInterruptStopsTheBackupAndNothingIsLeft() throws Exception {
    OneLog log = logWithRecords(20_000);
    Path copy = logs.dir().resolve("copy.db");

    OneLogException e =
        assertThrows(
            OneLogException.class,
            () ->
                log.backup(
                    copy,
                    BackupOptions.defaults()
                        .withProgress((done, total) -> Thread.currentThread().interrupt())));

    assertTrue(Thread.interrupted(), "the interrupt flag is set again");
    assertEquals(List.of("test.db", "test.db-shm", "test.db-wal"), names(logs.dir()));
    assertTrue(
        e.getMessage()
            .endsWith(
                " to " + copy + "; nothing was written there and the partial copy was deleted"),
        e.getMessage());
    awaitBackupThreadsGone();
    assertEquals(List.of("test.db", "test.db-shm", "test.db-wal"), names(logs.dir()));
  }

  @Test
  void closingTheLogDuringABackupLetsTheCopyFinish() throws Exception {
    OneLog log = logWithRecords(20_000);
    Path copy = logs.file("copy.db");

    BackupResult result =
        log.backup(
            copy,
            BackupOptions.defaults()
                .withProgress(
                    (done, total) -> {
                      if (done == 0) {
                        log.close(); // the copy has its own connection
                      }
                    }));

    assertThrows(LogClosedException.class, () -> log.nextOffset(TopicPartition.of("t", 0)));
    assertEquals(Files.size(copy), result.sizeBytes());
    try (OneLog restored = OneLog.open(copy)) {
      assertEquals(20_000, restored.nextOffset(TopicPartition.of("t", 0)));
    }
  }

  @Test
  void aClosedLogCannotBackUp() {
    OneLog log = logWithRecords(1);
    log.close();
    assertThrows(LogClosedException.class, () -> log.backup(logs.dir().resolve("copy.db")));
  }

  private OneLog logWithRecords(int count) {
    OneLog log = logs.open(logs.builder().durability(Durability.NORMAL));
    log.createTopic(TopicSpec.named("t"));
    byte[] value = new byte[1000];
    for (int i = 0; i < count; i++) {
      log.send(ProducerRecord.of("t", value));
    }
    log.flush();
    return log;
  }

  private static List<String> readAll(OneLog log, TopicPartition partition, long end) {
    List<String> values = new ArrayList<>();
    for (long offset = 0; offset < end; ) {
      List<LogRecord> records = log.read(partition, offset, ReadLimit.DEFAULT);
      for (LogRecord r : records) {
        values.add(
            r.offset()
                + " "
                + r.timestampMs()
                + " "
                + r.keyAsString()
                + " "
                + r.valueAsString()
                + r.headers());
      }
      offset = records.get(records.size() - 1).offset() + 1;
    }
    return values;
  }

  /** The pragmas' values, then the journal mode and page count, read from a closed copy. */
  static List<String> pragmas(Path file, String... names) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String name :
          Stream.concat(Stream.of(names), Stream.of("journal_mode", "page_count")).toList()) {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
          values.add(rs.next() ? rs.getString(1) : null);
        }
      }
    }
    return values;
  }

  static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Waits until no copy thread runs: one that was abandoned deletes its files when it ends. */
  static void awaitBackupThreadsGone() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("onelog-backup-"))) {
      if (System.nanoTime() > deadline) {
        fail("a backup thread still runs after 30 s");
      }
      Thread.sleep(10);
    }
  }
}
