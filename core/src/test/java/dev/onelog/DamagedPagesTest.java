package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.storage.FileFormat;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files whose SQLite pages, not a batch's bytes, were damaged (as HostileFilesIT damages them): the
 * reads fail with {@link CorruptRecordException}, verify reports the damage instead of failing, and
 * a file whose first page is gone says it may be a damaged onelog file.
 */
class DamagedPagesTest {
  @TempDir Path dir;

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  /** Topic t, one partition, enough records for its log table to span several pages. */
  private Path fileWithSeveralPages() {
    Path file = dir.resolve("damaged.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      for (int i = 0; i < 40; i++) {
        log.append(ProducerRecord.of("t", "k" + i, "v".repeat(2000)));
      }
    }
    return file;
  }

  private static long rootPage(Path file, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'")) {
      assertTrue(rs.next(), table);
      return rs.getLong(1);
    }
  }

  /** Zeroes page {@code page} (numbered from 1, as SQLite numbers them). */
  private static void zeroPage(Path file, long page) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek((page - 1) * FileFormat.PAGE_SIZE_BYTES);
      raf.write(new byte[FileFormat.PAGE_SIZE_BYTES]);
    }
  }

  /**
   * Before the fix, SQLite's SQLITE_CORRUPT left the read as a StorageException ("SQLite failed
   * while reading t-0"), which callers cannot tell from a failing disk.
   */
  @Test
  void aReadOfAZeroedLogTablePageThrowsCorruptRecordException() throws Exception {
    Path file = fileWithSeveralPages();
    zeroPage(file, rootPage(file, "log_1_0"));
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> log.read(T0, 0, ReadLimit.DEFAULT));
      assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
      assertTrue(e.getMessage().contains("while reading t-0"), e.getMessage());
    }
  }

  /**
   * Before the fix, verify failed on the first malformed page, and after the catch of it, the
   * COMMIT ending its read transaction failed with SQLITE_CORRUPT too and threw the report away.
   */
  @Test
  void verifyReportsAZeroedLogTablePageInsteadOfThrowing() throws Exception {
    Path file = fileWithSeveralPages();
    zeroPage(file, rootPage(file, "log_1_0"));
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      VerifyReport report = log.verify();
      assertTrue(
          report.problems().stream()
              .anyMatch(
                  p ->
                      "t".equals(p.topic())
                          && p.partition() == 0
                          && p.description().startsWith("log table log_1_0 is unreadable")),
          report.problems()::toString);
      assertTrue(
          report.problems().stream().anyMatch(p -> p.topic() == null),
          "integrity_check's lines: " + report.problems());
    }
  }

  /**
   * Before the fix, the partitions row of the first partition failed with SQLITE_CORRUPT, and the
   * next partition's reused the statement sqlite-jdbc had finalized: verify threw a
   * StorageException "statement is not executing".
   */
  @Test
  void verifyReportsEveryPartitionOfAZeroedPartitionsTable() throws Exception {
    Path file = fileWithSeveralPages();
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("u").withPartitions(2));
    }
    zeroPage(file, rootPage(file, "partitions"));
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      VerifyReport report = log.verify();
      assertEquals(
          List.of("t-0", "u-0", "u-1"),
          report.problems().stream()
              .filter(p -> p.description().startsWith("its partitions row is unreadable"))
              .map(p -> p.topic() + "-" + p.partition())
              .toList(),
          report.problems()::toString);
    }
  }

  /**
   * A flipped byte in sqlite_master's text of a CREATE TABLE renames a column. Before the fix,
   * reads and verify failed with a StorageException "no such column: record_count".
   */
  @Test
  void aColumnRenamedByDamageToTheSchemaIsCorruptionToReadsAndAProblemToVerify() throws Exception {
    Path file = fileWithSeveralPages();
    execute(
        file,
        "PRAGMA writable_schema=ON",
        "UPDATE sqlite_master SET sql = replace(sql, 'record_count', 'record_cou\u00eet')"
            + " WHERE name IN ('partitions', 'log_1_0')");
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> log.read(T0, 0, ReadLimit.DEFAULT));
      assertTrue(
          e.getMessage().contains("do not have the columns of onelog's format"), e.getMessage());
      VerifyReport report = log.verify();
      assertTrue(
          report.problems().stream()
              .anyMatch(
                  p ->
                      "t".equals(p.topic())
                          && p.description().startsWith("its partitions row is unreadable")),
          report.problems()::toString);
    }
  }

  /** Before the fix, a topic's config that is no longer JSON failed every read untyped. */
  @Test
  void aTopicConfigThatIsNoLongerJsonIsCorruption() throws Exception {
    Path file = fileWithSeveralPages();
    execute(file, "UPDATE topics SET config = '{\"delete.retention.ms\" 1}'");
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> log.read(T0, 0, ReadLimit.DEFAULT));
      assertTrue(e.getMessage().startsWith("the topics table is damaged"), e.getMessage());
      assertThrows(CorruptRecordException.class, log::verify);
    }
  }

  @Test
  void aTopicsTableWithoutTheFormatsColumnsIsCorruption() throws Exception {
    Path file = fileWithSeveralPages();
    execute(
        file,
        "PRAGMA writable_schema=ON",
        "UPDATE sqlite_master SET sql = replace(sql, 'cleanup_policy', 'cleanup_polic\u00ef')"
            + " WHERE name = 'topics'");
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> log.read(T0, 0, ReadLimit.DEFAULT));
      assertTrue(e.getMessage().contains("no such column: cleanup_policy"), e.getMessage());
    }
  }

  @Test
  void anUnknownCleanupPolicyIsCorruption() throws Exception {
    Path file = fileWithSeveralPages();
    execute(
        file, "PRAGMA ignore_check_constraints=ON", "UPDATE topics SET cleanup_policy = 'dxlete'");
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> log.read(T0, 0, ReadLimit.DEFAULT));
      assertTrue(e.getMessage().contains("topic 't': cleanup policy 'dxlete'"), e.getMessage());
    }
  }

  private static void execute(Path file, String... sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  @Test
  void aZeroedFirstPageSaysTheFileMayBeADamagedOnelogFile() throws Exception {
    Path file = fileWithSeveralPages();
    zeroPage(file, 1);
    NotAOneLogFileException e =
        assertThrows(NotAOneLogFileException.class, () -> OneLog.builder(file).readOnly().open());
    assertTrue(e.getMessage().contains("is not an SQLite database"), e.getMessage());
    assertTrue(
        e.getMessage().contains("its first page (SQLite's header) is damaged"), e.getMessage());
  }

  @Test
  void aTruncatedFileFailsToOpenWithCorruptRecordException() throws Exception {
    Path file = fileWithSeveralPages();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      assertTrue(raf.length() > 4L * FileFormat.PAGE_SIZE_BYTES, "file of " + raf.length());
      raf.setLength(raf.length() / 2 + 100);
    }
    OneLogException e =
        assertThrows(OneLogException.class, () -> OneLog.builder(file).readOnly().open().close());
    assertEquals(CorruptRecordException.class, e.getClass(), e.toString());
  }

  /**
   * A log table the file still lists but that is gone (a damaged schema) is damage, not a topic
   * another process deleted: before, reads said "a topic was deleted while reading".
   */
  @Test
  void aLogTableMissingThoughItsTopicIsListedIsCorruption() throws Exception {
    Path file = fileWithSeveralPages();
    String table;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'log\\_%\\_0'"
                    + " ESCAPE '\\'")) {
      assertTrue(rs.next(), "the log table of t-0");
      table = rs.getString(1);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + table);
    }
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> log.read(T0, 0, ReadLimit.records(10)));
      assertTrue(
          e.getMessage().contains("table " + table + " of ")
              && e.getMessage().contains("is missing though the file lists it"),
          e.getMessage());
    }
  }
}
