package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.FormatInteropIT.Written;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules of docs/FORMAT.md that readers must apply alike, held against Java and against {@code
 * src/test/python/format_interop.py} (written from the page alone) on the same files: batches are
 * written here byte by byte with plain SQL, as section 7 tells another program to, so that they can
 * hold what Java's writer never writes. Needs {@code python3} on the PATH.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormatRulesIT {
  @TempDir Path dir;

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  /** Every file a test wrote keeps the invariants, whatever its batches hold. */
  @AfterEach
  void checkInvariants() throws Exception {
    try (var files = Files.walk(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".db")).toList()) {
        LogInvariants.check(file);
      }
    }
  }

  /** A file with topic t (id 1), one partition, one record appended by Java at offset 0. */
  private Path fileWithTopicT(String name) {
    Path file = dir.resolve(name);
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      log.append(ProducerRecord.of("t", "k", "v").withTimestampMs(1));
    }
    return file;
  }

  @Test
  void theExampleBatchOfSection3IsWhatJavaWritesAndJavaAndPythonReadIt() throws Exception {
    byte[] page = DocumentedBatch.pageExample();
    assertEquals(106, page.length, "the page's example is 106 bytes");
    assertArrayEquals(
        page,
        DocumentedBatch.records(0, DocumentedBatch.PAGE_EXAMPLE),
        "the page's bytes follow the page's rules");
    RecordBatch.Encoder encoder =
        new RecordBatch.Encoder(ByteBuffer.allocate(1024), 0, 1_700_000_000_000L);
    for (Written w : DocumentedBatch.PAGE_EXAMPLE) {
      encoder.add(
          w.offset(), w.timestampMs(), w.key(), w.value(), RecordCodec.encodeHeaders(w.headers()));
    }
    assertArrayEquals(page, encoder.toBytes(), "Java's writer writes the page's bytes");
    // The checksums the page gives (section 3, CRC32C).
    assertEquals(1420702381L, LogInvariants.crc(0, page), "the row's crc");
    assertEquals(0x31C2876A, ByteBuffer.wrap(page).getInt(17), "the header's CRC");
    List<Written> at5 =
        DocumentedBatch.PAGE_EXAMPLE.stream()
            .map(
                w ->
                    new Written(
                        0, w.offset() + 5, w.timestampMs(), w.key(), w.value(), w.headers()))
            .toList();
    assertEquals(1327917995L, LogInvariants.crc(5, DocumentedBatch.records(5, at5)));
    byte[] bare =
        DocumentedBatch.batch(7, List.of(new DocumentedBatch.Encoded(7, 0, null, null, null)));
    assertEquals(68, bare.length);
    assertEquals("0c00000001" + "0100", HexFormat.of().formatHex(bare, 61, 68));
    assertEquals(1608485468L, LogInvariants.crc(7, bare), "the bare record's row crc");
    assertEquals(0x34BB9273, ByteBuffer.wrap(bare).getInt(17), "the bare record's header CRC");

    // Stored as section 7 says, the page's bytes read as the page's records, to Java and Python.
    Path file = dir.resolve("example.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
    }
    assertEquals(0, appendBatch(file, base -> page, 2, 1_700_000_000_001L, 2 + 5 + 18 + 2 + 5));
    try (OneLog log = OneLog.open(file)) {
      List<LogRecord> read = log.read(T0, 0, ReadLimit.DEFAULT);
      assertEquals(2, read.size(), read::toString);
      for (int i = 0; i < 2; i++) {
        Written w = DocumentedBatch.PAGE_EXAMPLE.get(i);
        assertEquals(w.offset(), read.get(i).offset());
        assertEquals(w.timestampMs(), read.get(i).timestampMs());
        assertArrayEquals(w.key(), read.get(i).key());
        assertArrayEquals(w.value(), read.get(i).value());
        assertEquals(w.headers(), read.get(i).headers());
      }
      assertEquals(25 + 7, log.describeTopic("t").partitions().get(0).sizeInBytes());
      assertTrue(log.verify().ok(), log.verify().problems()::toString);
    }
    InteropProcess.Result python = InteropProcess.python(dir, file.toString(), "t", "--read-only");
    assertEquals(0, python.exitStatus(), python::describe);
    PythonOutput.assertPrinted(
        PythonOutput.read(
            "t",
            DocumentedBatch.PAGE_EXAMPLE,
            List.of(List.of(new FormatInteropIT.Batch(0, 1, 2))),
            0),
        python);
  }

  @Test
  void aHeaderCountOfZeroIsNoHeadersAndNoBytesToJavaAndPython() throws Exception {
    // A count of 0 is the one byte 00, and the record's size counts no header bytes for it (section
    // 3): Python checks size_bytes reading from the start, Java's verify and LogInvariants too.
    Path file = fileWithTopicT("zero.db");
    long offset = appendOneRecord(file, 7, new byte[] {0});
    try (OneLog log = OneLog.open(file)) {
      assertEquals(List.of(), log.read(T0, offset, ReadLimit.DEFAULT).get(0).headers());
      assertTrue(log.verify().ok(), log.verify().problems()::toString);
    }
    InteropProcess.Result python = InteropProcess.python(dir, file.toString(), "t", "--read-only");
    assertEquals(0, python.exitStatus(), python::describe);
    assertEquals(
        "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"timestamp_ms\":7,\"key\":null,"
            + "\"value\":null,\"headers\":[]}",
        python.stdout().get(1),
        python::describe);
  }

  @Test
  void aHeaderNameThatIsNotUtf8IsDamageToJavaAndPython() throws Exception {
    Path file = fileWithTopicT("name.db");
    // count 1, name length 2, "a" and a byte no UTF-8 sequence starts with, a null value
    byte[] headers = {2, 4, 'a', (byte) 0xff, 1};
    long offset = appendOneRecord(file, 7, headers);
    String why = "header 0's name is not valid UTF-8: 61ff";
    try (OneLog log = OneLog.open(file)) {
      CorruptRecordException e =
          assertThrows(CorruptRecordException.class, () -> log.read(T0, offset, ReadLimit.DEFAULT));
      assertTrue(
          e.getMessage()
              .startsWith("the batch of records ending at t-0@" + offset + " is damaged: " + why),
          e.getMessage());
      assertEquals(
          List.of("t-0@" + offset + ": headers do not decode: " + why),
          log.verify().problems().stream().map(VerifyReport.Problem::toString).toList());
    }
    InteropProcess.Result python = InteropProcess.python(dir, file.toString(), "t", "--read-only");
    assertEquals(1, python.exitStatus(), python::describe);
    assertTrue(
        python.stderr().contains("t-0 batch 1..1, offset 1: headers: " + why), python::describe);
  }

  @Test
  void aBatchWhoseHeaderDisagreesWithItsRecordsIsDamageToJavaAndPython() throws Exception {
    // One record at offset 1 (no key, value or headers, timestamp 7), then one byte changed and
    // the header's CRC made right again, so that only the rule under test is broken; the row's
    // crc matches the damaged bytes, as a writer that got the batch wrong would store it.
    // {byte (the low byte of the field), new value, what Java says, what Python says}
    Object[][] damages = {
      {60, 2, "its header counts 2 records, it holds 1", "its header counts 2 records, it holds 1"},
      {
        26,
        1,
        "its header's last offset delta is 1, its last record's 0",
        "its header's last offset delta is 1, its last record's 0"
      },
      {42, 8, "its header's max timestamp is 8, its records' 7", "its header's max timestamp is 8"},
      {61, 0x0e, "record length 7 does not fit the 6", "record length 7 at byte 61 does not fit"},
      {22, 1, "attributes 1", "attributes 1, not 0"},
      {16, 1, "magic 1", "magic 1, not 2"},
    };
    for (Object[] damage : damages) {
      Path file = fileWithTopicT("damaged.db");
      int at = (int) damage[0];
      appendBatch(
          file,
          base -> {
            byte[] batch =
                DocumentedBatch.batch(
                    base, List.of(new DocumentedBatch.Encoded(base, 7, null, null, null)));
            batch[at] = (byte) (int) damage[1];
            CRC32C crc = new CRC32C();
            crc.update(batch, 21, batch.length - 21);
            ByteBuffer.wrap(batch).putInt(17, (int) crc.getValue());
            return batch;
          },
          1,
          7,
          0);
      try (OneLog log = OneLog.open(file)) {
        CorruptRecordException e =
            assertThrows(CorruptRecordException.class, () -> log.read(T0, 1, ReadLimit.DEFAULT));
        assertTrue(e.getMessage().contains((String) damage[2]), e.getMessage());
        assertTrue(
            log.verify().problems().toString().contains((String) damage[2]),
            log.verify().problems()::toString);
      }
      InteropProcess.Result python =
          InteropProcess.python(dir, file.toString(), "t", "--read-only");
      assertEquals(1, python.exitStatus(), python::describe);
      assertTrue(
          python.stderr().contains("t-0 batch 1.." + (at == 26 ? 2 : 1) + ": " + damage[3]),
          python::describe);
      Files.delete(file); // it breaks the invariants on purpose
    }
  }

  @Test
  void negativeTimestampsAreReadByJavaAndPythonButNeitherWritesOne() throws Exception {
    Path file = fileWithTopicT("negative.db");
    appendOneRecord(file, -1, null);
    appendOneRecord(file, Long.MIN_VALUE, null);
    try (OneLog log = OneLog.open(file)) {
      assertEquals(
          List.of(1L, -1L, Long.MIN_VALUE),
          log.read(T0, 0, ReadLimit.DEFAULT).stream().map(LogRecord::timestampMs).toList());
      assertTrue(log.verify().ok(), log.verify().problems()::toString);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> log.append(ProducerRecord.of("t", "k", "v").withTimestampMs(-1)));
      assertEquals("timestampMs < 0: -1", e.getMessage());
    }
    InteropProcess.Result read = InteropProcess.python(dir, file.toString(), "t", "--read-only");
    assertEquals(0, read.exitStatus(), read::describe);
    assertTrue(read.stdout().get(1).contains(",\"timestamp_ms\":-1,"), read::describe);
    assertTrue(
        read.stdout().get(2).contains(",\"timestamp_ms\":" + Long.MIN_VALUE + ","), read::describe);
    InteropProcess.Result append =
        InteropProcess.python(dir, file.toString(), "t", "--append-only", "--timestamp-ms", "-1");
    assertEquals(2, append.exitStatus(), append::describe);
    assertTrue(append.stderr().contains("--timestamp-ms must be >= 0, was -1"), append::describe);
  }

  @Test
  void pythonAppendsAKeyToThePartitionJavaAppendsItTo() throws Exception {
    Path file = dir.resolve("keys.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("six").withPartitions(6));
    }
    List<String> keys =
        List.of("", "a", "ab", "abc", "abcd", "abcde", "k1", "orders-42", "ünï", "user-1234567");
    Map<String, Integer> fromPython = new LinkedHashMap<>();
    for (String key : keys) {
      InteropProcess.Result python =
          InteropProcess.python(
              dir, file.toString(), "six", "--append-only", "--key", key, "--value", "py");
      assertEquals(0, python.exitStatus(), python::describe);
      Matcher partition =
          Pattern.compile("^\\{\"appended\":\\{\"topic\":\"six\",\"partition\":(\\d+),")
              .matcher(python.stdout().get(0));
      assertTrue(partition.find(), python::describe);
      fromPython.put(key, Integer.parseInt(partition.group(1)));
    }
    Map<String, Integer> fromJava = new LinkedHashMap<>();
    try (OneLog log = OneLog.open(file)) {
      for (String key : keys) {
        fromJava.put(key, log.append(ProducerRecord.of("six", key, "java")).partition());
      }
      assertTrue(log.verify().ok(), log.verify().problems()::toString);
    }
    assertEquals(fromJava, fromPython);
    assertTrue(new HashSet<>(fromJava.values()).size() >= 4, "keys spread: " + fromJava);
  }

  @Test
  void pythonOpensAFileWhosePathNeedsPercentEncodingInItsUri() throws Exception {
    // Unencoded in a file: URI, '#' would end the path, '?' start the parameters and "%41"
    // read as 'A': SQLite would open, and with mode=rw even create, another file.
    Path parent = Files.createDirectories(dir.resolve("uri"));
    Path file = Files.createDirectories(parent.resolve("a dir #1 100%41 ?x=1")).resolve("log.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      log.append(ProducerRecord.of("t", "k", "java").withTimestampMs(1));
    }
    InteropProcess.Result python =
        InteropProcess.python(
            dir,
            file.toString(),
            "t",
            "--key",
            "py-key",
            "--value",
            "python",
            "--timestamp-ms",
            "2");
    assertEquals(0, python.exitStatus(), python::describe);
    assertTrue(python.stdout().get(0).contains("\"value\":\"6a617661\""), python::describe);
    assertTrue(python.stdout().get(2).startsWith("{\"appended\":"), python::describe);
    try (OneLog log = OneLog.open(file)) {
      assertEquals("python", log.read(T0, 1, ReadLimit.DEFAULT).get(0).valueAsString());
    }
    try (var entries = Files.list(parent)) {
      assertEquals(
          List.of(file.getParent()), entries.toList(), "no other file was opened or created");
    }
  }

  /**
   * Appends one record with no key and no value, the given timestamp and the given encoded headers
   * (raw bytes, count first, whatever they hold; null for none) to t-0, following FORMAT.md section
   * 7; returns its offset. size_bytes grows by the headers' length as section 3 counts it: the
   * whole encoding when its count (a one-byte varint here) is not 0, else nothing.
   */
  static long appendOneRecord(Path file, long timestampMs, byte[] headers) throws Exception {
    long size = headers == null || headers[0] == 0 ? 0 : headers.length;
    return appendBatch(
        file,
        base ->
            DocumentedBatch.batch(
                base, List.of(new DocumentedBatch.Encoded(base, timestampMs, null, null, headers))),
        1,
        timestampMs,
        size);
  }

  /**
   * Appends one batch to t-0 with plain SQL, following FORMAT.md section 7: the blob {@code
   * batchAt} makes for the partition's next offset, its columns and counters as given; returns its
   * base offset.
   */
  static long appendBatch(
      Path file, LongFunction<byte[]> batchAt, int recordCount, long maxTimestampMs, long sizeBytes)
      throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      long offset;
      try (ResultSet rs =
          s.executeQuery(
              "SELECT next_offset FROM partitions WHERE topic_id = 1 AND partition = 0")) {
        assertTrue(rs.next());
        offset = rs.getLong(1);
      }
      byte[] records = batchAt.apply(offset);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO log_1_0 (last_offset, base_offset, record_count, max_timestamp_ms,"
                  + " records, crc) VALUES (?, ?, ?, ?, ?, ?)")) {
        insert.setLong(1, offset + ByteBuffer.wrap(records).getInt(23));
        insert.setLong(2, offset);
        insert.setInt(3, recordCount);
        insert.setLong(4, maxTimestampMs);
        insert.setBytes(5, records);
        insert.setLong(6, LogInvariants.crc(offset, records));
        insert.executeUpdate();
      }
      s.executeUpdate(
          "UPDATE partitions SET next_offset = next_offset + "
              + (ByteBuffer.wrap(records).getInt(23) + 1)
              + ", record_count = record_count + "
              + recordCount
              + ", size_bytes = size_bytes + "
              + sizeBytes
              + " WHERE topic_id = 1 AND partition = 0");
      s.execute("COMMIT");
      return offset;
    }
  }
}
