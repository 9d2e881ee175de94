package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.group.GroupConsumer;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.GroupState;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.internal.storage.FileFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/FORMAT.md is enough for another language: {@code src/test/python/format_interop.py}, written
 * from that page with Python's standard library alone, reads exactly what Java wrote (every batch's
 * CRC checked, every batch decoded, every header decoded), and Java reads the batches it appended,
 * whether the Java log was closed or open at the time. Needs {@code python3} on the PATH.
 *
 * <p>And the SQL the page gives for the {@code sqlite3} shell, taken from the page as it stands
 * ({@link FormatDocSql}), lists what Java reads: run by the SQLite inside sqlite-jdbc, and by the
 * {@code sqlite3} command when one is installed. The same holds for consumer groups (section 12):
 * the page's group queries and Python list the committed offsets, lag and live members that {@code
 * log.groups().describe} returns; {@link FormatGroupCommitIT} has Python commit offsets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatInteropIT {
  @TempDir Path dir;
  private Path file;

  @AfterEach
  void checkInvariants() {
    if (file != null && Files.exists(file)) {
      LogInvariants.check(file);
    }
  }

  /** One record with the offset it was given or should be given. */
  record Written(
      int partition,
      long offset,
      long timestampMs,
      byte[] key,
      byte[] value,
      List<Header> headers) {
    static Written of(ProducerRecord record, RecordMetadata stored) {
      return new Written(
          record.partition(),
          stored.offset(),
          record.timestampMs(),
          record.key(),
          record.value(),
          record.headers());
    }
  }

  /** One row of a log table, without its blob. */
  record Batch(long baseOffset, long lastOffset, long recordCount) {}

  @Test
  void pythonReadsExactlyWhatJavaWroteAndJavaReadsWhatPythonAppended() throws Exception {
    file = dir.resolve("interop.db");
    List<Written> written = new ArrayList<>();
    try (OneLog log = OneLog.open(file)) {
      // A deleted topic first, so that the topic under test has id 2: readers must look ids up.
      log.createTopic(TopicSpec.named("gone"));
      log.deleteTopic("gone");
      log.createTopic(TopicSpec.named("interop").withPartitions(3));
      log.createTopic(TopicSpec.named("other").withPartitions(2));
      log.append(ProducerRecord.of("other", "not", "this topic").withPartition(0));

      // Partition 0: three appends, so three batches of one record each.
      for (ProducerRecord r :
          List.of(
              new ProducerRecord(
                  "interop",
                  0,
                  1_000L,
                  utf8("k0"),
                  utf8("v0"),
                  List.of(Header.of("h", "first"), Header.of("h", "second"))),
              new ProducerRecord("interop", 0, 0L, null, utf8("no key"), List.of()),
              new ProducerRecord(
                  "interop",
                  0,
                  1_700_000_000_000L,
                  utf8("tomb"),
                  null,
                  List.of(Header.of("n", (byte[]) null))))) {
        written.add(Written.of(r, log.append(r)));
      }

      // Partition 1: one append of three records, so one batch of three.
      Random random = new Random(42);
      byte[] binaryValue = new byte[300];
      random.nextBytes(binaryValue);
      List<ProducerRecord> records =
          new ArrayList<>(
              List.of(
                  new ProducerRecord(
                      "interop",
                      1,
                      Long.MAX_VALUE,
                      new byte[] {0, -1, 127, -128, '"', '\\'},
                      binaryValue,
                      List.of(Header.of("ünïcødé ✓ \"q\" \\ \t 😀", new byte[0]))),
                  new ProducerRecord("interop", 1, 5L, new byte[0], new byte[0], List.of()),
                  new ProducerRecord("interop", 1, 6L, null, null, List.of())));
      // Partition 2: one append of about 330 KiB, so several batches of up to 64 KiB (more than
      // the 4 Python reads per query), with a record of 100 KiB that makes a batch of its own.
      for (int i = 0; i < 2500; i++) {
        byte[] value =
            i == 1234
                ? new byte[100 * 1024]
                : utf8(String.format("value-%04d-%s", i, "v".repeat(90 + i % 20)));
        records.add(
            new ProducerRecord(
                "interop",
                2,
                10_000L + i,
                utf8("key-" + i % 7),
                value,
                i % 3 == 0 ? List.of(Header.of("i", Integer.toString(i))) : List.of()));
      }
      List<RecordMetadata> stored = log.append(records);
      for (int i = 0; i < records.size(); i++) {
        written.add(Written.of(records.get(i), stored.get(i)));
      }
    }
    List<List<Batch>> batches = List.of(batches("log_2_0"), batches("log_2_1"), batches("log_2_2"));
    assertEquals(
        List.of(new Batch(0, 0, 1), new Batch(1, 1, 1), new Batch(2, 2, 1)), batches.get(0));
    assertEquals(List.of(new Batch(0, 2, 3)), batches.get(1));
    assertTrue(batches.get(2).size() >= 6, "several batches in partition 2: " + batches.get(2));
    assertTrue(
        batches.get(2).contains(new Batch(1234, 1234, 1)), "the large record is a batch alone");
    try (OneLog log = OneLog.open(file)) {
      // Partition 1's one batch holds timestamps Long.MAX_VALUE, 5, 6: its newest record's is 6.
      List<PartitionDescription> described = log.describeTopic("interop").partitions();
      for (int p = 0; p < 3; p++) {
        assertEquals(
            PythonOutput.newestTimestampMs(written, p, batches.get(p)),
            Long.toString(described.get(p).lastTimestampMs()),
            "partition " + p + "'s newest timestamp: the largest in its newest batch");
      }
    }

    InteropProcess.Result python =
        InteropProcess.python(
            dir,
            file.toString(),
            "interop",
            "--partition",
            "1",
            "--count",
            "3",
            "--key",
            "py-key",
            "--value",
            "py-value ✓",
            "--timestamp-ms",
            "1234567");
    assertEquals(0, python.exitStatus(), python::describe);
    List<String> expected = new ArrayList<>(PythonOutput.read("interop", written, batches, 0));
    List<Written> fromPython = PythonOutput.appended(1, 3, 3, 1_234_567L, "py-value ✓");
    expected.add(PythonOutput.appendedLine("interop", fromPython));
    PythonOutput.assertPrinted(expected, python);
    assertArrayEquals(
        DocumentedBatch.records(3, fromPython),
        storedBlob("log_2_1", 5),
        "Python lays out records as FORMAT.md does");

    try (OneLog log = OneLog.open(file)) {
      TopicPartition partition1 = TopicPartition.of("interop", 1);
      assertRecords(fromPython, log.read(partition1, 3, ReadLimit.DEFAULT)); // checks the CRC
      assertEquals(6, log.nextOffset(partition1));
      PartitionDescription described = log.describeTopic("interop").partitions().get(1);
      assertEquals(6, described.recordCount());
      assertEquals(
          DocumentedBatch.sizeInBytes(fromPython)
              + DocumentedBatch.sizeInBytes(written.subList(3, 6)),
          described.sizeInBytes(),
          "size_bytes counts key, value and headers, as Java counts them");
      ProducerRecord again = ProducerRecord.of("interop", "j", "java again").withPartition(1);
      RecordMetadata stored = log.append(again);
      assertEquals(6, stored.offset());
      written.addAll(fromPython);
      written.add(
          new Written(1, 6, stored.timestampMs(), again.key(), again.value(), again.headers()));
      assertEquals(
          0, log.nextOffset(TopicPartition.of("other", 1)), "Python touched no other partition");
      assertEquals(1, log.nextOffset(TopicPartition.of("other", 0)));
      VerifyReport report = log.verify();
      assertTrue(report.ok(), report.problems()::toString);
    }

    // From an offset inside a batch: the batches from the one holding it, records below skipped.
    // It is above every offset of partitions 0 and 1, Python's and Java's last ones included.
    Batch third = batches.get(2).get(2);
    long from = third.baseOffset() + 7;
    assertTrue(from < third.lastOffset(), "starts inside a batch");
    InteropProcess.Result fromOffset =
        InteropProcess.python(
            dir, file.toString(), "interop", "--read-only", "--from-offset", Long.toString(from));
    assertEquals(0, fromOffset.exitStatus(), fromOffset::describe);
    batches = List.of(batches("log_2_0"), batches("log_2_1"), batches("log_2_2"));
    PythonOutput.assertPrinted(PythonOutput.read("interop", written, batches, from), fromOffset);
  }

  @Test
  void javaSeesWhatPythonAppendsWhileTheLogIsOpenThroughReadAndPoll() throws Exception {
    file = dir.resolve("live.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("live").withPartitions(2));
      TopicPartition partition0 = TopicPartition.of("live", 0);
      log.append(ProducerRecord.of("live", "a", "java-0").withPartition(0));
      log.append(ProducerRecord.of("live", "b", "java-1").withPartition(0));
      try (Consumer consumer = log.consumer("live")) {
        assertEquals(2, consumer.poll(Duration.ofSeconds(1)).size());

        // Python appends while this consumer waits in poll: another process's commit must wake it.
        InteropProcess process =
            InteropProcess.startPython(
                dir,
                file.toString(),
                "live",
                "--append-only",
                "--partition",
                "0",
                "--count",
                "2",
                "--key",
                "py-key",
                "--value",
                "from python",
                "--timestamp-ms",
                "42");
        List<LogRecord> polled = consumer.poll(Duration.ofSeconds(15));
        InteropProcess.Result python = process.finish();
        assertEquals(0, python.exitStatus(), python::describe);
        List<Written> fromPython = PythonOutput.appended(0, 2, 2, 42, "from python");
        assertEquals(
            List.of(PythonOutput.appendedLine("live", fromPython)),
            python.stdout(),
            python::describe);
        assertRecords(fromPython, polled); // one commit, one batch: the poll returns both

        assertRecords(fromPython, log.read(partition0, 2, ReadLimit.DEFAULT));
        assertRecords(fromPython.subList(1, 2), log.read(partition0, 3, ReadLimit.DEFAULT));
        assertEquals(4, log.nextOffset(partition0));

        // Java's writer takes the next offset from the file, not from what it last wrote.
        assertEquals(
            4, log.append(ProducerRecord.of("live", "c", "java-2").withPartition(0)).offset());
        assertEquals("java-2", consumer.poll(Duration.ofSeconds(5)).get(0).valueAsString());
      }
      LogInvariants.check(file);

      // And Python reads Java's record appended after its own, with the log still open.
      InteropProcess.Result reread =
          InteropProcess.python(dir, file.toString(), "live", "--read-only");
      assertEquals(0, reread.exitStatus(), reread::describe);
      assertEquals(7, reread.stdout().size(), reread::describe);
      assertTrue(
          reread.stdout().get(4).startsWith("{\"topic\":\"live\",\"partition\":0,\"offset\":4,"),
          reread::describe);
      assertEquals(
          "{\"partition_read\":{\"topic\":\"live\",\"partition\":0,\"batches\":4,\"records\":5,"
              + "\"newest_timestamp_ms\":"
              + log.describeTopic("live").partitions().get(0).lastTimestampMs()
              + "}}",
          reread.stdout().get(5));
    }
  }

  @Test
  void pythonRefusesABatchWhoseCrcDoesNotMatch() throws Exception {
    file = dir.resolve("corrupt.db");
    createTwoBatches();
    // SQLite has no XOR operator: (a | b) - (a & b) is a XOR b.
    String flip = "UPDATE log_1_0 SET crc = (crc | 1) - (crc & 1) WHERE last_offset = 1";
    execute(flip);
    InteropProcess.Result python = InteropProcess.python(dir, file.toString(), "t", "--read-only");
    assertEquals(1, python.exitStatus(), python::describe);
    assertTrue(
        python.stderr().contains("t-0 batch 1..1 does not match its CRC32C"), python::describe);
    assertEquals(
        1, python.stdout().size(), "nothing printed past the bad batch: " + python.stdout());
    execute(flip); // repaired, for the invariant check after the test
  }

  @Test
  void pythonRefusesABatchWhoseColumnsDisagreeWithItsRecords() throws Exception {
    file = dir.resolve("columns.db");
    createTwoBatches();
    // record_count and max_timestamp_ms are not under the CRC; invariant 6 checks them
    for (String[] damage :
        new String[][] {
          {"record_count = 2", "record_count = 1", "record_count is 2 but it holds 1 records"},
          {"max_timestamp_ms = 3", "max_timestamp_ms = 2", "max_timestamp_ms is 3 but"}
        }) {
      execute("UPDATE log_1_0 SET " + damage[0] + " WHERE last_offset = 1");
      InteropProcess.Result python =
          InteropProcess.python(dir, file.toString(), "t", "--read-only");
      assertEquals(1, python.exitStatus(), python::describe);
      assertTrue(python.stderr().contains("t-0 batch 1..1: " + damage[2]), python::describe);
      execute("UPDATE log_1_0 SET " + damage[1] + " WHERE last_offset = 1");
    }
  }

  // ---- The SQL of FORMAT.md section 10 ----

  @Test
  void theRecordsQueryInFormatMdListsWhatJavaReads() throws Exception {
    file = dir.resolve("orders.db");
    try (OneLog log = OneLog.open(file)) {
      // Partition 0 of topic id 1 is the page's log_1_0. One append of 150 records of 3 KiB or so
      // makes 64 KiB batches, several of them within the page's offsets 0 to 99; five single
      // appends follow. Text only, for the sqlite3 command's output.
      log.createTopic(TopicSpec.named("orders").withPartitions(2));
      log.createTopic(TopicSpec.named("binary"));
      List<ProducerRecord> text = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        text.add(
            new ProducerRecord(
                "orders",
                0,
                1_700_000_000_000L + i * 1000L - i % 3 * 5000L,
                i % 10 == 3 ? null : utf8(i % 10 == 4 ? "" : "key-" + i),
                i % 10 == 5
                    ? null
                    : utf8(i % 10 == 6 ? "" : "värde " + i + "x".repeat(2500 + 10 * i)),
                i % 4 == 0 ? List.of(Header.of("h", "v" + i)) : List.of()));
      }
      log.append(text);
      for (int i = 0; i < 5; i++) {
        log.append(ProducerRecord.of("orders", "single-" + i, "it's " + i).withPartition(0));
      }
      log.append(ProducerRecord.of("orders", "p1", "partition one").withPartition(1));
      // Bytes that are not text, a record larger than a batch, the largest timestamp.
      byte[] large = new byte[100 * 1024];
      new Random(7).nextBytes(large);
      log.append(
          List.of(
              new ProducerRecord(
                  "binary",
                  0,
                  Long.MAX_VALUE,
                  new byte[] {0, -1, 127, -128, '\'', '\n'},
                  new byte[] {-61, 40},
                  List.of()),
              new ProducerRecord(
                  "binary", 0, 0L, new byte[0], large, List.of(Header.of("h", (byte[]) null))),
              new ProducerRecord("binary", 0, 1L, null, null, List.of())));
    }
    assertTrue(
        batches("log_1_0").stream().filter(b -> b.baseOffset() <= FormatDocSql.DOC_TO).count() >= 3,
        "the page's range spans several batches: " + batches("log_1_0"));

    try (OneLog log = OneLog.builder(file).readOnly().open();
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      List<LogRecord> docRange = javaRecords(log, "orders", 0, 0, 99);
      assertEquals(100, docRange.size());
      assertEquals(
          docRange.stream().map(FormatDocSql::row).toList(),
          FormatDocSql.records(c, FormatDocSql.recordsQuery()),
          "the page's query as it stands");
      for (long[] range :
          new long[][] {{0, Long.MAX_VALUE}, {37, 140}, {99, 100}, {149, 152}, {155, 1000}}) {
        assertEquals(
            javaRecords(log, "orders", 0, range[0], range[1]).stream()
                .map(FormatDocSql::row)
                .toList(),
            FormatDocSql.records(c, FormatDocSql.recordsQuery("log_1_0", range[0], range[1])),
            "offsets " + range[0] + " to " + range[1]);
      }
      assertEquals(
          javaRecords(log, "orders", 1, 0, Long.MAX_VALUE).stream().map(FormatDocSql::row).toList(),
          FormatDocSql.records(c, FormatDocSql.recordsQuery("log_1_1", 0, Long.MAX_VALUE)));
      List<String> binary =
          javaRecords(log, "binary", 0, 0, Long.MAX_VALUE).stream().map(FormatDocSql::row).toList();
      String binaryQuery = FormatDocSql.recordsQuery("log_2_0", 0, Long.MAX_VALUE);
      assertEquals(binary, FormatDocSql.records(c, binaryQuery));

      List<String> counts = FormatDocSql.checkPartitionQueries(c, log);
      if (InteropProcess.sqlite3Installed()) {
        // As a user runs them: .read the page's text; quote mode tells NULL from ''.
        Path recordsSql =
            Files.writeString(dir.resolve("records.sql"), FormatDocSql.recordsQuery());
        InteropProcess.Result shell =
            InteropProcess.sqlite3(dir, file, ".mode quote\n.read '" + recordsSql + "'\n");
        assertEquals(0, shell.exitStatus(), shell::describe);
        assertEquals(
            docRange.stream().map(FormatDocSql::quoteModeRow).toList(),
            shell.stdout(),
            "sqlite3 .read records.sql");
        InteropProcess.Result binaryShell =
            InteropProcess.sqlite3(dir, file, FormatDocSql.withBlobLiterals(binaryQuery));
        assertEquals(0, binaryShell.exitStatus(), binaryShell::describe);
        assertEquals(binary, binaryShell.stdout(), "sqlite3, keys and values as literals");
        Path countsSql =
            Files.writeString(dir.resolve("counts.sql"), FormatDocSql.block("partition-queries"));
        InteropProcess.Result countsShell =
            InteropProcess.sqlite3(dir, file, ".read '" + countsSql + "'\n");
        assertEquals(0, countsShell.exitStatus(), countsShell::describe);
        assertEquals(counts, countsShell.stdout(), "sqlite3 prints what JDBC reads");
      }
    }
  }

  @Test
  void theRecordsQueryInFormatMdDecodesSignsMissingFieldsAndLargeOffsets() throws Exception {
    // Not a onelog file (no invariant check after this test): one log table with batches Java
    // would not write: timestamps below 0 and beyond 32 bits, offsets beyond 32 bits, the largest
    // offset delta, and a 70,000-byte key, so that byte positions pass 16 bits.
    Path crafted = dir.resolve("crafted.db");
    long big = 5_000_000_000L;
    List<List<Written>> batches =
        List.of(
            List.of(
                new Written(0, 0, Long.MIN_VALUE, null, new byte[0], List.of()),
                new Written(0, 3, -1, new byte[0], null, List.of(Header.of("a", "b"))),
                new Written(0, 99, Long.MAX_VALUE, utf8("k"), utf8("é"), List.of())),
            List.of(
                new Written(0, 100, 1L << 31, new byte[70_000], new byte[] {-1, 0}, List.of()),
                new Written(0, 101, -(1L << 31) - 1, utf8("y"), null, List.of())),
            List.of(
                new Written(0, big, 5, utf8("big"), utf8("offset"), List.of()),
                new Written(
                    0, big + Integer.MAX_VALUE, -5, utf8("max"), utf8("delta"), List.of())));
    List<String> expected = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + crafted);
        Statement s = c.createStatement()) {
      s.execute(FileFormat.createLogTable(1, 0));
      for (List<Written> batch : batches) {
        long base = batch.get(0).offset();
        byte[] records = DocumentedBatch.records(base, batch);
        try (var insert =
            c.prepareStatement(
                "INSERT INTO log_1_0 (last_offset, base_offset, record_count, max_timestamp_ms,"
                    + " records, crc) VALUES (?, ?, ?, ?, ?, ?)")) {
          insert.setLong(1, batch.get(batch.size() - 1).offset());
          insert.setLong(2, base);
          insert.setInt(3, batch.size());
          insert.setLong(4, batch.stream().mapToLong(Written::timestampMs).max().orElseThrow());
          insert.setBytes(5, records);
          insert.setLong(6, LogInvariants.crc(base, records));
          insert.executeUpdate();
        }
        batch.forEach(
            w -> expected.add(FormatDocSql.row(w.offset(), w.timestampMs(), w.key(), w.value())));
      }

      assertEquals(expected.subList(0, 3), FormatDocSql.records(c, FormatDocSql.recordsQuery()));
      String all = FormatDocSql.recordsQuery("log_1_0", 0, Long.MAX_VALUE);
      assertEquals(expected, FormatDocSql.records(c, all));
      assertEquals(
          expected.subList(1, 6),
          FormatDocSql.records(c, FormatDocSql.recordsQuery("log_1_0", 3, big)));
      if (InteropProcess.sqlite3Installed()) {
        InteropProcess.Result shell =
            InteropProcess.sqlite3(dir, crafted, FormatDocSql.withBlobLiterals(all));
        assertEquals(0, shell.exitStatus(), shell::describe);
        assertEquals(expected, shell.stdout(), "sqlite3");
      }
    }
  }

  // ---- Consumer groups: the SQL of FORMAT.md section 12.2, and Python's "groups" ----

  @Test
  void theGroupQueriesInFormatMdAndPythonListWhatDescribeReturns() throws Exception {
    file = dir.resolve("groups.db");
    TopicPartition orders0 = TopicPartition.of("orders", 0);
    TopicPartition orders1 = TopicPartition.of("orders", 1);
    TopicPartition orders2 = TopicPartition.of("orders", 2);
    TopicPartition payments0 = TopicPartition.of("payments", 0);
    TopicPartition payments1 = TopicPartition.of("payments", 1);
    // Written an hour ago by the clock of the process that wrote it: a static member of "archive"
    // takes both partitions of payments and stops without leaving, as static members do, so its
    // row and leases stay. Its session is over by now, which only a query's clock can tell.
    Clock hourAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    try (OneLog log = OneLog.builder(file).clock(hourAgo).open()) {
      log.createTopic(TopicSpec.named("orders").withPartitions(3));
      log.createTopic(TopicSpec.named("payments").withPartitions(2));
      for (int i = 0; i < 12; i++) {
        log.append(ProducerRecord.of("orders", null, "order " + i).withPartition(i % 3));
      }
      for (int i = 0; i < 3; i++) {
        log.append(ProducerRecord.of("payments", "k", "payment " + i).withPartition(0));
      }
      GroupConsumer stopped =
          log.groups()
              .consumer("archive")
              .topics("payments")
              .staticMemberId("archiver")
              .noAutoCommit()
              .open();
      awaitAssignment(stopped, 2);
    }
    // Retention as onelog will run it (FORMAT.md section 2): payments-0's first batch deleted and
    // its log_start_offset moved past it, so that earliest offsets are not all 0. Its one record
    // has key "k" and value "payment 0" and no headers: size_bytes loses 1 + 9 bytes (section 3).
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      assertEquals(
          1,
          s.executeUpdate(
              "UPDATE partitions SET log_start_offset = 1, record_count = record_count - 1,"
                  + " size_bytes = size_bytes - 10 WHERE topic_id = 2 AND partition = 0"));
      assertEquals(1, s.executeUpdate("DELETE FROM log_2_0 WHERE last_offset = 0"));
      s.execute("COMMIT");
    }

    try (OneLog log = OneLog.open(file)) {
      log.transaction(
          tx ->
              tx.commitOffsets(
                  "archive",
                  Map.of(
                      orders0,
                      new OffsetAndMetadata(3, "nightly ✓ 'quoted' \"too\""),
                      orders2,
                      OffsetAndMetadata.of(0),
                      payments0,
                      OffsetAndMetadata.of(0), // below its log_start_offset, 1
                      payments1,
                      new OffsetAndMetadata(99, "by hand, past the end"))));
      // "live": one member holding the three partitions of orders, one subscribed to a topic that
      // does not exist yet and so holding nothing.
      try (GroupConsumer reader =
              log.groups().consumer("live").topics("orders").noAutoCommit().open();
          GroupConsumer waiting =
              log.groups().consumer("live").topics("later").noAutoCommit().open()) {
        awaitAssignment(reader, 3);
        reader.commitSync(
            Map.of(
                orders0, new OffsetAndMetadata(4, "all read"), orders1, OffsetAndMetadata.of(1)));
        GroupDescription live = log.groups().describe("live");
        assertEquals(GroupState.STABLE, live.state(), live::toString);
        assertEquals(2, live.members().size(), live::toString);
        assertTrue(waiting.assignment().isEmpty(), waiting.assignment()::toString);
        GroupDescription archive = log.groups().describe("archive");
        assertEquals(List.of(), archive.members(), "the archiver's session is over");
        assertEquals(
            List.of("archiver|2"),
            rowsOf(
                "SELECT m.instance_id, count(l.partition) FROM group_members m"
                    + " LEFT JOIN group_partitions l ON l.group_id = m.group_id"
                    + " AND l.owner_member = m.member_id WHERE m.group_id = 'archive'"
                    + " GROUP BY m.member_id"),
            "the expired row is there, holding its leases, for the queries to leave out");

        List<String> rows;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
          rows = FormatDocSql.checkGroupQueries(c, log);
        }
        assertEquals(4 + 2 + 3 + 1, rows.size(), rows::toString);
        if (InteropProcess.sqlite3Installed()) {
          Path groupsSql =
              Files.writeString(dir.resolve("groups.sql"), FormatDocSql.block("group-queries"));
          InteropProcess.Result shell =
              InteropProcess.sqlite3(dir, file, "BEGIN;\n.read '" + groupsSql + "'\nCOMMIT;\n");
          assertEquals(0, shell.exitStatus(), shell::describe);
          assertEquals(rows, shell.stdout(), "sqlite3 prints what JDBC reads");
        }

        // Python, from the page's prose: the same offsets, lag and live members.
        List<PythonOutput.GroupOffset> offsets = new ArrayList<>();
        List<PythonOutput.GroupMember> members = new ArrayList<>();
        for (GroupDescription group : List.of(archive, live)) {
          group.offsets().stream()
              .filter(o -> o.committedOffset() >= 0)
              .forEach(o -> offsets.add(PythonOutput.GroupOffset.of(group.groupId(), o)));
          group.members().stream()
              .sorted(Comparator.comparing(MemberDescription::memberId))
              .forEach(m -> members.add(PythonOutput.GroupMember.of(group.groupId(), m)));
        }
        InteropProcess.Result python = InteropProcess.python(dir, "groups", file.toString());
        assertEquals(0, python.exitStatus(), python::describe);
        assertEquals(offsets, PythonOutput.groupOffsets(python), python::describe);
        assertEquals(members, PythonOutput.groupMembers(python), python::describe);
        assertEquals(offsets.size() + members.size(), python.stdout().size(), python::describe);

        InteropProcess.Result one =
            InteropProcess.python(dir, "groups", file.toString(), "archive");
        assertEquals(0, one.exitStatus(), one::describe);
        assertEquals(offsets.subList(0, 4), PythonOutput.groupOffsets(one), one::describe);
        assertEquals(4, one.stdout().size(), "no live member in archive: " + one.stdout());
        InteropProcess.Result unknown =
            InteropProcess.python(dir, "groups", file.toString(), "archives");
        assertEquals(2, unknown.exitStatus(), unknown::describe);
        assertTrue(
            unknown
                .stderr()
                .startsWith(
                    "format_interop: group 'archives' does not exist; known groups: [archive,"
                        + " live]\n"),
            unknown::describe);
      }
    }
  }

  // ---- Versions: FORMAT.md sections 5 and 11 ----

  @Test
  void pythonRefusesFormats2To5AsOlderAndFormat7AsNewerAndChangesNone() throws Exception {
    Path two = dir.resolve("two.db");
    Path three = dir.resolve("three.db");
    Path four = dir.resolve("four.db");
    Path five = dir.resolve("five.db");
    Path seven = dir.resolve("seven.db");
    for (Path f : List.of(two, three, four, five, seven)) {
      try (OneLog log = OneLog.open(f)) {
        log.createTopic(TopicSpec.named("t"));
        log.append(ProducerRecord.of("t", "k", "v"));
        log.transaction(
            tx ->
                tx.commitOffsets("g", Map.of(TopicPartition.of("t", 0), OffsetAndMetadata.of(1))));
      }
    }
    // Format 5 is format 6 with batches in the older layout, format 4 is format 5 with
    // cleaner_points lacking indexed_offset, format 3 is format 4 without the compaction tables,
    // format 2 is format 3 without the group tables (section 11; t does not compact, so it has no
    // key index); format 7 is whatever comes next.
    for (Path f : List.of(two, three, four, five)) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f)) {
        LegacyLayout.rewrite(c);
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + five);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version=5");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + two);
        Statement s = c.createStatement()) {
      for (String table :
          List.of(
              "group_offsets",
              "group_partitions",
              "group_members",
              "consumer_groups",
              "cleaner_points")) {
        s.execute("DROP TABLE " + table);
      }
      s.execute("PRAGMA user_version=2");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + three);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE cleaner_points");
      s.execute("PRAGMA user_version=3");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + four);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE cleaner_points");
      s.execute(
          "CREATE TABLE cleaner_points (topic_id INTEGER NOT NULL, partition INTEGER NOT NULL"
              + " CHECK (partition >= 0), cleaner_offset INTEGER NOT NULL DEFAULT 0"
              + " CHECK (cleaner_offset >= 0), clean_bytes INTEGER NOT NULL DEFAULT 0"
              + " CHECK (clean_bytes >= 0), PRIMARY KEY (topic_id, partition)) WITHOUT ROWID");
      s.execute("PRAGMA user_version=4");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + seven);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version=7");
    }
    for (Path f : List.of(two, three, four, five, seven)) {
      String refusal =
          f == seven
              ? " is of format 7, newer than format 6 that this program reads; it needs a program"
                  + " that knows format 7\n"
              : " is of format "
                  + (f == two ? 2 : f == three ? 3 : f == four ? 4 : 5)
                  + ", older than format 6 that this program reads; Java's onelog upgrades it"
                  + " when it opens it to write (FORMAT.md section 11)\n";
      String contents = contents(f);
      for (List<String> args :
          List.of(
              List.of(f.toString(), "t", "--read-only"),
              List.of(f.toString(), "t", "--append-only"),
              List.of("groups", f.toString()),
              List.of("commit", f.toString(), "g", "t:0=2"),
              List.of("latest", f.toString(), "t", "k"))) {
        InteropProcess.Result python = InteropProcess.python(dir, args.toArray(String[]::new));
        assertEquals(2, python.exitStatus(), python::describe);
        assertTrue(python.stderr().startsWith("format_interop: " + f + refusal), python::describe);
        assertEquals(List.of(), python.stdout());
        assertEquals(contents, contents(f), () -> "Python changed nothing: " + args);
      }
    }
    // Java refuses format 7, and formats 2 to 5 read-only; opened to write, it upgrades them, and
    // Python reads the batches the upgrade rewrote (section 11).
    assertThrows(NewerFormatException.class, () -> OneLog.open(seven));
    for (Path f : List.of(two, three, four, five)) {
      assertThrows(OlderFormatException.class, () -> OneLog.builder(f).readOnly().open());
      OneLog.open(f).close();
      InteropProcess.Result upgraded = InteropProcess.python(dir, f.toString(), "t", "--read-only");
      assertEquals(0, upgraded.exitStatus(), upgraded::describe);
      assertTrue(
          upgraded
              .stdout()
              .get(0)
              .startsWith("{\"topic\":\"t\",\"partition\":0,\"offset\":0,\"timestamp_ms\":"),
          upgraded::describe);
      assertTrue(
          upgraded.stdout().get(0).endsWith(",\"key\":\"6b\",\"value\":\"76\",\"headers\":[]}"),
          upgraded::describe);
      InteropProcess.Result groups = InteropProcess.python(dir, "groups", f.toString());
      assertEquals(0, groups.exitStatus(), groups::describe);
      assertEquals(
          f == two ? 0 : 1,
          groups.stdout().size(),
          () -> "format 2 kept no offsets, formats 3 to 5 their one: " + groups.describe());
    }
    LogInvariants.check(three);
    LogInvariants.check(four);
    LogInvariants.check(five);
    file = two;
  }

  /** What a program could change in a file: its pragmas, schema and every table's rows. */
  static String contents(Path f) throws SQLException {
    StringBuilder contents = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f)) {
      for (String pragma : List.of("application_id", "user_version", "page_size")) {
        contents.append(FormatDocSql.rows(c, "PRAGMA " + pragma)).append('\n');
      }
      contents.append(FormatDocSql.rows(c, "SELECT type, name, sql FROM sqlite_schema ORDER BY 2"));
      for (String table :
          FormatDocSql.rows(c, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY 1")) {
        contents.append('\n').append(table).append(FormatDocSql.rows(c, "SELECT * FROM " + table));
      }
    }
    return contents.toString();
  }

  /** Polls the member until it holds this many partitions. */
  static void awaitAssignment(GroupConsumer member, int partitions) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (member.assignment().size() < partitions) {
      assertTrue(
          System.nanoTime() - deadline < 0,
          () -> member.memberId() + " holds " + member.assignment() + " after 20 s");
      member.poll(Duration.ofMillis(50));
    }
    assertEquals(partitions, member.assignment().size(), member.assignment()::toString);
  }

  /** Java's records of a partition at offsets {@code from} to {@code to}. */
  private static List<LogRecord> javaRecords(
      OneLog log, String topic, int partition, long from, long to) {
    List<LogRecord> records = new ArrayList<>();
    long position = from;
    while (true) {
      List<LogRecord> read =
          log.read(TopicPartition.of(topic, partition), position, ReadLimit.DEFAULT);
      for (LogRecord r : read) {
        if (r.offset() > to) {
          return records;
        }
        records.add(r);
      }
      if (read.isEmpty()) {
        return records;
      }
      position = read.get(read.size() - 1).offset() + 1;
    }
  }

  /** Topic t (id 1), one partition, two batches of one record: offsets 0 and 1, at 1 and 2 ms. */
  private void createTwoBatches() {
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      log.append(ProducerRecord.of("t", "k", "v").withPartition(0).withTimestampMs(1));
      log.append(ProducerRecord.of("t", "k", "v").withPartition(0).withTimestampMs(2));
    }
  }

  // ---- The file, through plain SQL ----

  private void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate(sql), sql);
    }
  }

  private List<Batch> batches(String table) throws SQLException {
    List<Batch> batches = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT base_offset, last_offset, record_count FROM "
                    + table
                    + " ORDER BY last_offset")) {
      while (rs.next()) {
        batches.add(new Batch(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    return batches;
  }

  private List<String> rowsOf(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      return FormatDocSql.rows(c, sql);
    }
  }

  private byte[] storedBlob(String table, long lastOffset) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT records FROM " + table + " WHERE last_offset = " + lastOffset)) {
      assertTrue(rs.next(), table + " has a batch ending at " + lastOffset);
      return rs.getBytes(1);
    }
  }

  private static void assertRecords(List<Written> expected, List<LogRecord> actual) {
    assertEquals(expected.size(), actual.size(), actual::toString);
    for (int i = 0; i < expected.size(); i++) {
      Written w = expected.get(i);
      LogRecord r = actual.get(i);
      assertEquals(w.offset(), r.offset());
      assertEquals(w.timestampMs(), r.timestampMs());
      assertArrayEquals(w.key(), r.key(), "key at " + r.offset());
      assertArrayEquals(w.value(), r.value(), "value at " + r.offset());
      assertEquals(w.headers(), r.headers());
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
