package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.storage.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatInteropIT {
  private static final List<Header> PYTHON_HEADERS =
      List.of(Header.of("origin", "python"), Header.of("nothing", (byte[]) null));

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
    List<String> expected = expectedOutput("interop", written, batches, 0);
    List<Written> fromPython = pythonRecords(1, 3, 3, 1_234_567L, "py-value ✓");
    byte[] pythonBatch = batchBytes(3, fromPython);
    long pythonSize = sizeInBytes(fromPython);
    expected.add(
        "{\"appended\":{\"topic\":\"interop\",\"partition\":1,\"base_offset\":3,\"last_offset\":5,"
            + "\"record_count\":3,\"max_timestamp_ms\":1234569,\"size_bytes\":"
            + pythonSize
            + ",\"crc\":"
            + LogInvariants.crc(3, pythonBatch)
            + "}}");
    assertLines(expected, python);
    assertArrayEquals(
        pythonBatch, storedBlob("log_2_1", 5), "Python lays out records as FORMAT.md does");

    try (OneLog log = OneLog.open(file)) {
      TopicPartition partition1 = TopicPartition.of("interop", 1);
      assertRecords(fromPython, log.read(partition1, 3, ReadLimit.DEFAULT)); // checks the CRC
      assertEquals(6, log.nextOffset(partition1));
      PartitionDescription described = log.describeTopic("interop").partitions().get(1);
      assertEquals(6, described.recordCount());
      assertEquals(
          pythonSize + 6 + 300 + RecordCodec.encodeHeaders(written.get(3).headers()).length,
          described.sizeInBytes(),
          "size_bytes counts key, value and headers, as Java counts them");
      assertEquals(
          6, log.append(ProducerRecord.of("interop", "j", "java again").withPartition(1)).offset());
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
    assertLines(expectedOutput("interop", written, batches, from), fromOffset);
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
        List<Written> fromPython = pythonRecords(0, 2, 2, 42, "from python");
        assertEquals(
            List.of(
                "{\"appended\":{\"topic\":\"live\",\"partition\":0,\"base_offset\":2,"
                    + "\"last_offset\":3,\"record_count\":2,\"max_timestamp_ms\":43,"
                    + "\"size_bytes\":"
                    + sizeInBytes(fromPython)
                    + ",\"crc\":"
                    + LogInvariants.crc(2, batchBytes(2, fromPython))
                    + "}}"),
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
          "{\"partition_read\":{\"topic\":\"live\",\"partition\":0,\"batches\":4,\"records\":5}}",
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

  private byte[] storedBlob(String table, long lastOffset) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT records FROM " + table + " WHERE last_offset = " + lastOffset)) {
      assertTrue(rs.next(), table + " has a batch ending at " + lastOffset);
      return rs.getBytes(1);
    }
  }

  /**
   * A batch's records blob as FORMAT.md section 3 lays it out, encoded here rather than by the
   * library's writer: int32 offset delta, int64 timestamp, then key, value and headers each as an
   * int32 length (-1 for none) and the bytes.
   */
  static byte[] batchBytes(long baseOffset, List<Written> records) {
    List<byte[]> fields = new ArrayList<>();
    int length = 0;
    for (Written r : records) {
      fields.add(
          ByteBuffer.allocate(12)
              .putInt((int) (r.offset() - baseOffset))
              .putLong(r.timestampMs())
              .array());
      for (byte[] field :
          new byte[][] {r.key(), r.value(), RecordCodec.encodeHeaders(r.headers())}) {
        fields.add(ByteBuffer.allocate(4).putInt(field == null ? -1 : field.length).array());
        fields.add(field == null ? new byte[0] : field);
      }
    }
    for (byte[] field : fields) {
      length += field.length;
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    fields.forEach(out::put);
    return out.array();
  }

  // ---- What Python appends and prints ----

  /**
   * The records format_interop.py appends with {@code --count}: record 0 has the key, the value and
   * two headers; record i >= 1 no key, no headers and the value "VALUE i", or none when i is even;
   * timestamps fall from the given one + count - 1 to the given one.
   */
  private static List<Written> pythonRecords(
      int partition, long baseOffset, int count, long timestampMs, String value) {
    List<Written> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          new Written(
              partition,
              baseOffset + i,
              timestampMs + count - 1 - i,
              i == 0 ? utf8("py-key") : null,
              i == 0 ? utf8(value) : i % 2 == 0 ? null : utf8(value + " " + i),
              i == 0 ? PYTHON_HEADERS : List.of()));
    }
    return records;
  }

  /** The records' size as FORMAT.md counts it: key, value and encoded headers. */
  private static long sizeInBytes(List<Written> records) {
    return records.stream()
        .mapToLong(
            w ->
                RecordCodec.sizeInBytes(w.key(), w.value(), RecordCodec.encodeHeaders(w.headers())))
        .sum();
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

  /**
   * What format_interop.py prints reading the topic from {@code fromOffset}: per partition its
   * records at or above it, then how many batches it read and records it printed.
   */
  private static List<String> expectedOutput(
      String topic, List<Written> written, List<List<Batch>> batches, long fromOffset) {
    List<String> lines = new ArrayList<>();
    for (int partition = 0; partition < batches.size(); partition++) {
      int p = partition;
      List<Written> records =
          written.stream()
              .filter(w -> w.partition() == p && w.offset() >= fromOffset)
              .sorted(Comparator.comparingLong(Written::offset))
              .toList();
      records.forEach(w -> lines.add(InteropJson.record(topic, w)));
      long batchesRead = batches.get(p).stream().filter(b -> b.lastOffset() >= fromOffset).count();
      lines.add(
          "{\"partition_read\":{\"topic\":"
              + InteropJson.string(topic)
              + ",\"partition\":"
              + p
              + ",\"batches\":"
              + batchesRead
              + ",\"records\":"
              + records.size()
              + "}}");
    }
    return lines;
  }

  private static void assertLines(List<String> expected, InteropProcess.Result python) {
    assertEquals(expected.size(), python.stdout().size(), python::describe);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), python.stdout().get(i), "line " + i + " of Python's output");
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
