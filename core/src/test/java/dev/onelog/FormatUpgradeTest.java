package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Format1File.Row;
import dev.onelog.internal.storage.FileFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Format 1 files, written by hand with plain SQL ({@link Format1File}), opened by this version:
 * upgraded to format 6 in place when opened to write, refused and left as they were otherwise.
 */
class FormatUpgradeTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition ORDERS_0 = TopicPartition.of("orders", 0);
  private static final TopicPartition ORDERS_1 = TopicPartition.of("orders", 1);
  private static final TopicPartition ORDERS_2 = TopicPartition.of("orders", 2);
  private static final TopicPartition PAYMENTS_0 = TopicPartition.of("payments", 0);
  private static final TopicPartition COMPACTED_0 = TopicPartition.of("compacted", 0);

  /** A 100 KiB value: larger than a batch, so it must make a batch of its own. */
  private static final int BIG_VALUE_BYTES = 100 * 1024;

  private static final int BIG_RECORD_OFFSET = 60;

  /**
   * Writes a format 1 file with three topics: orders-0 holds more than 64 KiB of records (several
   * batches, one record larger than a batch), orders-1 null keys and values, orders-2 nothing;
   * payments-0 starts at offset 5, as after retention, with empty (not null) keys, values and
   * header values; compacted-0 has gaps between offsets, one wider than an int32. Returns every
   * partition's records.
   */
  private static Map<TopicPartition, List<Row>> writeFormat1File(Path file) throws SQLException {
    Map<TopicPartition, List<Row>> rows = new LinkedHashMap<>();
    try (Format1File format1 = Format1File.create(file)) {
      long orders = format1.createTopic("orders", 3, "delete");
      List<Row> orders0 = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        byte[] value =
            i == BIG_RECORD_OFFSET
                ? filled(BIG_VALUE_BYTES, (byte) 'B')
                : filled(1000 + i, (byte) ('a' + i % 26));
        orders0.add(
            new Row(
                i,
                1_700_000_000_000L + (i * 7919L) % 1000,
                i % 10 == 3 ? null : bytes("order-" + i),
                value,
                i % 7 == 0
                    ? List.of(Header.of("trace", "t-" + i), Header.of("empty", (byte[]) null))
                    : List.of()));
      }
      List<Row> orders1 =
          List.of(
              new Row(0, 5, bytes("k"), bytes("v"), List.of()),
              new Row(1, 4, bytes("k"), null, List.of()),
              new Row(2, 3, null, null, List.of()),
              new Row(3, 2, null, bytes("no key"), List.of(Header.of("h", "x"))));
      append(format1, orders, ORDERS_0, orders0, rows);
      append(format1, orders, ORDERS_1, orders1, rows);
      append(format1, orders, ORDERS_2, List.of(), rows);

      long payments = format1.createTopic("payments", 1, "delete");
      List<Row> payments0 = new ArrayList<>();
      for (int offset = 5; offset < 12; offset++) {
        payments0.add(
            new Row(
                offset,
                1_700_000_100_000L + offset,
                new byte[0],
                offset % 2 == 0 ? new byte[0] : bytes("€" + offset),
                List.of(Header.of("größe", new byte[0]), Header.of("größe", "2"))));
      }
      append(format1, payments, PAYMENTS_0, payments0, rows);
      format1.execute("UPDATE partitions SET log_start_offset = 5 WHERE topic_id = " + payments);

      long compacted = format1.createTopic("compacted", 1, "compact");
      List<Row> compacted0 = new ArrayList<>();
      for (long offset : new long[] {0, 3, 4, 3_000_000_000L, 3_000_000_004L}) {
        compacted0.add(
            new Row(
                offset,
                1_700_000_200_000L,
                bytes("key" + offset),
                bytes("at " + offset),
                List.of()));
      }
      append(format1, compacted, COMPACTED_0, compacted0, rows);
      format1.execute(
          "UPDATE partitions SET next_offset = 3000000007 WHERE topic_id = " + compacted);
    }
    return rows;
  }

  private static void append(
      Format1File format1,
      long topicId,
      TopicPartition partition,
      List<Row> records,
      Map<TopicPartition, List<Row>> into)
      throws SQLException {
    for (Row row : records) {
      format1.append(topicId, partition.partition(), row);
    }
    into.put(partition, records);
  }

  @Test
  void openingToWriteUpgradesAndEveryRecordReadsBackIdentical() throws Exception {
    Path file = logs.file("format1.db");
    Map<TopicPartition, List<Row>> rows = writeFormat1File(file);
    Map<TopicPartition, long[]> counters = partitionCounters(file);
    try (OneLog log = OneLog.open(file)) {
      for (Map.Entry<TopicPartition, List<Row>> partition : rows.entrySet()) {
        assertSameRecords(
            partition.getKey(),
            partition.getValue(),
            PartitionRecords.all(log, partition.getKey()));
      }
      for (String topic : List.of("orders", "payments", "compacted")) {
        for (PartitionDescription described : log.describeTopic(topic).partitions()) {
          TopicPartition partition = TopicPartition.of(topic, described.partition());
          long[] before = counters.get(partition);
          List<Row> stored = rows.get(partition);
          assertEquals(
              new PartitionDescription(
                  described.partition(),
                  before[0],
                  before[1],
                  before[2],
                  kafkaEncodedSize(stored), // headers take fewer bytes in format 6
                  newestBatchMaxTimestamp(file, partition, stored),
                  // the compacted topic's cleaner may have passed already: its keys are distinct
                  topic.equals("compacted") ? described.cleanerOffset() : -1,
                  topic.equals("compacted") ? described.cleanBytes() : 0),
              described,
              partition + " after the upgrade");
        }
      }
      assertEquals(5, log.earliestOffset(PAYMENTS_0));
      assertEquals(3_000_000_007L, log.nextOffset(COMPACTED_0));
      VerifyReport report = log.verify();
      assertTrue(report.ok(), report.problems().toString());
      assertEquals(rows.values().stream().mapToLong(List::size).sum(), report.recordsChecked());
    }
    assertEquals(FileFormat.FORMAT_VERSION, intQuery(file, "PRAGMA user_version"));
    LogInvariants.check(file);
  }

  @Test
  void theUpgradedFileHasFormat2TablesOfBatches() throws Exception {
    Path file = logs.file("format1.db");
    writeFormat1File(file);
    OneLog.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (long topicId = 1; topicId <= 3; topicId++) {
        for (int p = 0; p < (topicId == 1 ? 3 : 1); p++) {
          assertEquals(
              FileFormat.createLogTable(topicId, p),
              stringQuery(
                  s,
                  "SELECT sql FROM sqlite_schema WHERE name = '"
                      + FileFormat.logTable(topicId, p)
                      + "'"),
              "a new file's DDL");
        }
      }
      assertEquals(
          0, longQuery(s, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'format1%'"));
      long batches = longQuery(s, "SELECT count(*) FROM log_1_0");
      assertTrue(batches >= 4, "150 KiB of small records and a big one make 4 batches or more");
      assertEquals(
          0,
          longQuery(
              s,
              "SELECT count(*) FROM log_1_0 WHERE length(records) > "
                  + (64 * 1024 + 61)
                  + " AND record_count > 1"),
          "only a lone record may make a batch larger than 64 KiB");
      assertEquals(
          BIG_RECORD_OFFSET,
          longQuery(
              s, "SELECT base_offset FROM log_1_0 WHERE length(records) > " + BIG_VALUE_BYTES));
      assertEquals(150, longQuery(s, "SELECT sum(record_count) FROM log_1_0"));
      assertEquals(0, longQuery(s, "SELECT count(*) FROM log_1_2"));
      assertEquals(
          2,
          longQuery(s, "SELECT count(*) FROM log_3_0"),
          "offsets 0, 3, 4 | 3,000,000,000 and 3,000,000,004: a delta is an int32");
    }
  }

  @Test
  void appendsContinueAtTheNextOffsetAfterTheUpgrade() throws Exception {
    Path file = logs.file("format1.db");
    writeFormat1File(file);
    try (OneLog log = OneLog.open(file)) {
      assertEquals(
          150, log.append(ProducerRecord.of("orders", "k", "new").withPartition(0)).offset());
      assertEquals(
          4, log.append(ProducerRecord.of("orders", "k", "new").withPartition(1)).offset());
      assertEquals(
          0, log.append(ProducerRecord.of("orders", "k", "new").withPartition(2)).offset());
      assertEquals(12, log.append(ProducerRecord.of("payments", "k", "new")).offset());
      assertEquals(3_000_000_007L, log.append(ProducerRecord.of("compacted", "k", "new")).offset());
      log.createTopic(TopicSpec.named("later"));
      assertEquals(0, log.append(ProducerRecord.of("later", "k", "v")).offset());
    }
    try (OneLog reopened = OneLog.open(file)) {
      assertEquals(151, reopened.nextOffset(ORDERS_0));
      assertEquals("new", reopened.read(ORDERS_0, 150, ReadLimit.DEFAULT).get(0).valueAsString());
      assertTrue(reopened.verify().ok());
    }
  }

  @Test
  void aCorruptRecordStopsTheUpgradeAndLeavesTheFileAsItWas() throws Exception {
    Path file = logs.dir().resolve("corrupt.db"); // stays format 1: not for LogInvariants
    writeFormat1File(file);
    try (Format1File damage = Format1File.open(file)) {
      // orders-1 comes after orders-0, so the upgrade has rewritten one partition when it stops.
      damage.execute("UPDATE log_1_1 SET value = X'00' WHERE offset = 3");
    }
    List<String> before = fingerprint(file);
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> OneLog.open(file));
    assertEquals(
        "the record at orders-1@3 does not match its CRC32C, so upgrading "
            + file
            + " from format 1 to format 6 stopped; the file was not changed and is still format 1."
            + " Run 'onelog verify' of the onelog version that wrote it to list every damaged"
            + " record, or restore the file from a backup",
        e.getMessage());
    assertEquals(before, fingerprint(file));
    assertEquals(1, intQuery(file, "PRAGMA user_version"));
  }

  @Test
  void anUpgradeThatRunsOutOfSpaceLeavesTheFileAsItWas() throws Exception {
    Path file = logs.file("format1.db");
    Map<TopicPartition, List<Row>> rows = writeFormat1File(file);
    List<String> before = fingerprint(file);
    DiskFullException e =
        assertThrows(
            DiskFullException.class,
            () -> OneLog.builder(file).maxFileSizeBytes(Files.size(file)).open());
    assertTrue(
        e.getMessage().contains("while upgrading the file from format 1 to format 6"),
        e.getMessage());
    assertEquals(before, fingerprint(file));
    try (OneLog log = OneLog.open(file)) {
      assertSameRecords(ORDERS_0, rows.get(ORDERS_0), PartitionRecords.all(log, ORDERS_0));
    }
  }

  @Test
  void aReadOnlyOpenRefusesFormat1AndLeavesTheFileAsItWas() throws Exception {
    Path file = logs.dir().resolve("format1.db"); // stays format 1: not for LogInvariants
    writeFormat1File(file);
    List<String> before = fingerprint(file);
    OlderFormatException e =
        assertThrows(OlderFormatException.class, () -> OneLog.builder(file).readOnly().open());
    assertEquals(1, e.fileFormatVersion());
    assertEquals(6, e.supportedFormatVersion());
    assertEquals(
        file
            + " is a onelog file of format 1, older than format 6 that this version of onelog"
            + " reads, and it was opened read-only, so it was not upgraded; it was not modified."
            + " Opening it once for writing upgrades it in place, in one transaction:"
            + " OneLog.open(path) without readOnly(), or 'onelog verify' on a writable copy of"
            + " the file",
        e.getMessage());
    assertEquals(before, fingerprint(file));
  }

  @Test
  void aFormat1FileWithoutWritePermissionIsRefusedUntilMadeWritable() throws Exception {
    Path file = logs.file("format1.db");
    writeFormat1File(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    try {
      List<String> before = fingerprint(file);
      assertThrows(FileAccessException.class, () -> OneLog.open(file));
      assertThrows(OlderFormatException.class, () -> OneLog.builder(file).readOnly().open());
      assertEquals(before, fingerprint(file));
    } finally {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    OneLog.open(file).close();
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      assertEquals(150, log.nextOffset(ORDERS_0));
    }
  }

  @Test
  void processesOpeningAFormat1FileAtOnceUpgradeItOnce() throws Exception {
    Path file = logs.file("format1.db");
    Map<TopicPartition, List<Row>> rows = writeFormat1File(file);
    int openers = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(openers);
    try {
      List<Future<Long>> opened = new ArrayList<>();
      for (int i = 0; i < openers; i++) {
        opened.add(
            pool.submit(
                () -> {
                  start.await();
                  try (OneLog log = OneLog.open(file)) {
                    return log.nextOffset(ORDERS_0);
                  }
                }));
      }
      start.countDown();
      for (Future<Long> nextOffset : opened) {
        assertEquals(150, nextOffset.get()); // a second upgrade would fail on format 2 tables
      }
    } finally {
      pool.shutdownNow();
    }
    try (OneLog log = OneLog.open(file)) {
      for (Map.Entry<TopicPartition, List<Row>> partition : rows.entrySet()) {
        assertSameRecords(
            partition.getKey(),
            partition.getValue(),
            PartitionRecords.all(log, partition.getKey()));
      }
    }
  }

  private static void assertSameRecords(
      TopicPartition partition, List<Row> expected, List<LogRecord> actual) {
    assertEquals(expected.size(), actual.size(), partition + ": record count");
    for (int i = 0; i < expected.size(); i++) {
      Row row = expected.get(i);
      LogRecord record = actual.get(i);
      String at = partition + "@" + row.offset();
      assertEquals(row.offset(), record.offset(), at + ": offset");
      assertEquals(row.timestampMs(), record.timestampMs(), at + ": timestamp");
      assertArrayEquals(row.key(), record.key(), at + ": key");
      assertArrayEquals(row.value(), record.value(), at + ": value");
      assertEquals(row.headers(), record.headers(), at + ": headers");
    }
  }

  /** Keys, values and headers as format 6 counts them (Kafka's header encoding). */
  private static long kafkaEncodedSize(List<Row> rows) {
    long bytes = 0;
    for (Row row : rows) {
      bytes +=
          (row.key() == null ? 0 : row.key().length)
              + (row.value() == null ? 0 : row.value().length)
              + dev.onelog.internal.storage.RecordCodec.encodedLength(row.headers());
    }
    return bytes;
  }

  /** Per partition: log_start_offset, next_offset, record_count, size_bytes, read with SQL. */
  private static Map<TopicPartition, long[]> partitionCounters(Path file) throws SQLException {
    Map<TopicPartition, long[]> counters = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT t.name, p.partition, p.log_start_offset, p.next_offset, p.record_count,"
                    + " p.size_bytes FROM partitions p JOIN topics t ON t.id = p.topic_id")) {
      while (rs.next()) {
        counters.put(
            TopicPartition.of(rs.getString(1), rs.getInt(2)),
            new long[] {rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)});
      }
    }
    return counters;
  }

  /**
   * The SHA-256 and modification time of the file and of its -wal, to prove neither changed. An
   * empty -wal counts as none: a read-only SQLite connection to a WAL file creates an empty one
   * when there is none, and cannot remove it; it holds nothing.
   */
  private static List<String> fingerprint(Path file) throws Exception {
    List<String> fingerprint = new ArrayList<>();
    for (Path path : List.of(file, Path.of(file + "-wal"))) {
      if (Files.exists(path) && Files.size(path) > 0) {
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path));
        fingerprint.add(
            path.getFileName()
                + " sha256 "
                + HexFormat.of().formatHex(sha256)
                + " modified "
                + Files.getLastModifiedTime(path));
      } else {
        fingerprint.add(path.getFileName() + " absent or empty");
      }
    }
    return fingerprint;
  }

  /**
   * What describe reports as the newest timestamp: the largest among the records (of the test's own
   * rows) that the upgrade put in the partition's last batch.
   */
  private static long newestBatchMaxTimestamp(Path file, TopicPartition partition, List<Row> stored)
      throws SQLException {
    if (stored.isEmpty()) {
      return -1;
    }
    long topicId;
    long lastBatchBase;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      topicId = longQuery(s, "SELECT id FROM topics WHERE name = '" + partition.topic() + "'");
      lastBatchBase =
          longQuery(
              s,
              "SELECT base_offset FROM "
                  + FileFormat.logTable(topicId, partition.partition())
                  + " ORDER BY last_offset DESC LIMIT 1");
    }
    return stored.stream()
        .filter(row -> row.offset() >= lastBatchBase)
        .mapToLong(Row::timestampMs)
        .max()
        .orElseThrow();
  }

  private static int intQuery(Path file, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      return (int) longQuery(s, sql);
    }
  }

  private static long longQuery(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private static String stringQuery(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] filled(int length, byte b) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, b);
    return bytes;
  }
}
