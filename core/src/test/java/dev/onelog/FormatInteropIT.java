package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onelog.internal.storage.RecordCodec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/FORMAT.md is enough for another language: {@code src/test/python/format_interop.py}, written
 * from that page with Python's standard library alone, reads exactly what Java wrote (every CRC
 * checked, every header decoded), and Java reads what it appended, whether the Java log was closed
 * or open at the time. Needs {@code python3} on the PATH.
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

  /** One record as Java wrote it, with the offset it was given. */
  private record Written(
      int partition,
      long offset,
      long timestampMs,
      byte[] key,
      byte[] value,
      List<Header> headers) {}

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

      Random random = new Random(42);
      byte[] binaryValue = new byte[300];
      random.nextBytes(binaryValue);
      List<ProducerRecord> records =
          new ArrayList<>(
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
                      List.of(Header.of("n", (byte[]) null))),
                  new ProducerRecord(
                      "interop",
                      1,
                      Long.MAX_VALUE,
                      new byte[] {0, -1, 127, -128, '"', '\\'},
                      binaryValue,
                      List.of(Header.of("ünïcødé ✓ \"q\" \\ \t 😀", new byte[0]))),
                  new ProducerRecord("interop", 1, 5L, new byte[0], new byte[0], List.of()),
                  new ProducerRecord("interop", 1, 6L, null, null, List.of())));
      for (int i = 0; i < 2500; i++) { // more than one of the reader's 1000-record batches
        records.add(
            new ProducerRecord(
                "interop",
                2,
                10_000L + i,
                utf8("key-" + i % 7),
                utf8("value-" + i),
                i % 3 == 0 ? List.of(Header.of("i", Integer.toString(i))) : List.of()));
      }
      List<RecordMetadata> stored = log.append(records);
      for (int i = 0; i < records.size(); i++) {
        ProducerRecord r = records.get(i);
        written.add(
            new Written(
                r.partition(),
                stored.get(i).offset(),
                r.timestampMs(),
                r.key(),
                r.value(),
                r.headers()));
      }
    }

    PythonRun python =
        python(
            file.toString(),
            "interop",
            "--partition",
            "1",
            "--key",
            "py-key",
            "--value",
            "py-value ✓",
            "--timestamp-ms",
            "1234567");
    assertEquals(0, python.exitStatus(), python::describe);
    List<String> expected = new ArrayList<>();
    written.stream()
        .sorted(
            (a, b) ->
                a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()))
        .forEach(w -> expected.add(json("interop", w)));
    assertEquals(expected.size() + 1, python.stdout().size(), python::describe);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), python.stdout().get(i), "line " + i + " of Python's output");
    }
    Matcher appended =
        Pattern.compile(
                "\\{\"appended\":\\{\"topic\":\"interop\",\"partition\":1,\"offset\":(\\d+),\"timestamp_ms\":1234567,\"crc\":(\\d+)}}")
            .matcher(python.stdout().get(expected.size()));
    assertTrue(appended.matches(), python::describe);
    long pythonOffset = Long.parseLong(appended.group(1));
    long pythonCrc = Long.parseLong(appended.group(2));
    assertEquals(3, pythonOffset, "Python appended at partition 1's next offset");

    try (OneLog log = OneLog.open(file)) {
      TopicPartition partition1 = TopicPartition.of("interop", 1);
      List<LogRecord> records =
          log.read(partition1, pythonOffset, ReadLimit.DEFAULT); // checks the CRC
      assertEquals(1, records.size());
      assertPythonRecord(records.get(0), pythonOffset, 1_234_567L, "py-value ✓");
      byte[] encodedHeaders = RecordCodec.encodeHeaders(PYTHON_HEADERS);
      assertEquals(
          LogInvariants.crc(1_234_567L, utf8("py-key"), utf8("py-value ✓"), encodedHeaders),
          pythonCrc,
          "Python's CRC32C is Java's");
      assertEquals(pythonOffset + 1, log.nextOffset(partition1));
      PartitionDescription described = log.describeTopic("interop").partitions().get(1);
      assertEquals(4, described.recordCount());
      assertEquals(
          RecordCodec.sizeInBytes(utf8("py-key"), utf8("py-value ✓"), encodedHeaders)
              + 6
              + 300
              + RecordCodec.encodeHeaders(written.get(3).headers()).length,
          described.sizeInBytes(),
          "size_bytes counts key, value and headers, as Java counts them");
      assertEquals(
          pythonOffset + 1,
          log.append(ProducerRecord.of("interop", "j", "java again").withPartition(1)).offset());
      assertEquals(
          0, log.nextOffset(TopicPartition.of("other", 1)), "Python touched no other partition");
      assertEquals(1, log.nextOffset(TopicPartition.of("other", 0)));
      VerifyReport report = log.verify();
      assertTrue(report.ok(), report.problems()::toString);
    }
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
        PythonProcess process =
            pythonProcess(
                file.toString(),
                "live",
                "--append-only",
                "--partition",
                "0",
                "--key",
                "py-key",
                "--value",
                "from python",
                "--timestamp-ms",
                "42");
        List<LogRecord> polled = consumer.poll(Duration.ofSeconds(15));
        PythonRun python = finish(process);
        assertEquals(0, python.exitStatus(), python::describe);
        assertEquals(
            List.of(
                "{\"appended\":{\"topic\":\"live\",\"partition\":0,\"offset\":2,\"timestamp_ms\":42,\"crc\":"
                    + LogInvariants.crc(
                        42,
                        utf8("py-key"),
                        utf8("from python"),
                        RecordCodec.encodeHeaders(PYTHON_HEADERS))
                    + "}}"),
            python.stdout());
        assertEquals(1, polled.size(), "the poll returned Python's record");
        assertPythonRecord(polled.get(0), 2, 42, "from python");

        List<LogRecord> read = log.read(partition0, 2, ReadLimit.DEFAULT);
        assertEquals(1, read.size());
        assertPythonRecord(read.get(0), 2, 42, "from python");
        assertEquals(3, log.nextOffset(partition0));

        // Java's writer takes the next offset from the file, not from what it last wrote.
        assertEquals(
            3, log.append(ProducerRecord.of("live", "c", "java-2").withPartition(0)).offset());
        assertEquals("java-2", consumer.poll(Duration.ofSeconds(5)).get(0).valueAsString());
      }
      LogInvariants.check(file);

      // And Python reads Java's record appended after its own, with the log still open.
      PythonRun reread = python(file.toString(), "live", "--read-only");
      assertEquals(0, reread.exitStatus(), reread::describe);
      assertEquals(4, reread.stdout().size(), reread::describe);
      assertTrue(
          reread.stdout().get(3).startsWith("{\"topic\":\"live\",\"partition\":0,\"offset\":3,"),
          reread::describe);
    }
  }

  @Test
  void pythonRefusesARecordWhoseCrcDoesNotMatch() throws Exception {
    file = dir.resolve("corrupt.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      log.append(ProducerRecord.of("t", "k", "v").withPartition(0));
      log.append(ProducerRecord.of("t", "k", "v").withPartition(0));
    }
    flipLowestCrcBit(file, "log_1_0", 1);
    PythonRun python = python(file.toString(), "t", "--read-only");
    assertEquals(1, python.exitStatus(), python::describe);
    assertTrue(python.stderr().contains("t-0@1 does not match its CRC32C"), python::describe);
    assertEquals(
        List.of(),
        python.stdout().subList(1, python.stdout().size()),
        "nothing printed past the bad record");
    flipLowestCrcBit(file, "log_1_0", 1); // repaired, for the invariant check after the test
  }

  /** Damages (or repairs) one record's CRC, with the log closed. */
  private static void flipLowestCrcBit(Path file, String table, long offset) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      // SQLite has no XOR operator: (a | b) - (a & b) is a XOR b.
      assertEquals(
          1,
          s.executeUpdate(
              "UPDATE " + table + " SET crc = (crc | 1) - (crc & 1) WHERE offset = " + offset));
    }
  }

  // ---- Python ----

  private record PythonRun(int exitStatus, List<String> stdout, String stderr) {
    String describe() {
      return "python exited " + exitStatus + "; stdout " + stdout + "; stderr " + stderr;
    }
  }

  /** A running format_interop.py and the files its output goes to. */
  private record PythonProcess(Process process, Path stdout, Path stderr) {}

  private PythonRun python(String... args) throws IOException, InterruptedException {
    return finish(pythonProcess(args));
  }

  /**
   * Starts the script. Output goes to files rather than pipes, so that a chatty script can never
   * block on a full pipe while this thread waits for something else.
   */
  private PythonProcess pythonProcess(String... args) throws IOException {
    // failsafe runs with the module's directory as the working directory and sets basedir
    Path script =
        Path.of(System.getProperty("basedir", ""))
            .toAbsolutePath()
            .resolve("src/test/python/format_interop.py");
    assertTrue(Files.isRegularFile(script), "the script " + script + " exists");
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "python", ".out");
    Path err = Files.createTempFile(dir, "python", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      return new PythonProcess(process, out, err);
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run python3 ("
              + e.getMessage()
              + "); this test needs python3 on the PATH:"
              + " apt-get install -y python3",
          e);
    }
  }

  private static PythonRun finish(PythonProcess python) throws IOException, InterruptedException {
    if (!python.process().waitFor(30, TimeUnit.SECONDS)) {
      python.process().destroyForcibly();
      fail(
          "format_interop.py did not finish within 30 s; stderr: "
              + Files.readString(python.stderr()));
    }
    return new PythonRun(
        python.process().exitValue(),
        Files.readAllLines(python.stdout(), StandardCharsets.UTF_8),
        Files.readString(python.stderr(), StandardCharsets.UTF_8));
  }

  // ---- Expected output, as Python's json.dumps(separators=(",", ":")) writes it ----

  private static String json(String topic, Written w) {
    StringBuilder s =
        new StringBuilder()
            .append("{\"topic\":")
            .append(string(topic))
            .append(",\"partition\":")
            .append(w.partition())
            .append(",\"offset\":")
            .append(w.offset())
            .append(",\"timestamp_ms\":")
            .append(w.timestampMs())
            .append(",\"key\":")
            .append(hex(w.key()))
            .append(",\"value\":")
            .append(hex(w.value()))
            .append(",\"headers\":[");
    for (int i = 0; i < w.headers().size(); i++) {
      Header header = w.headers().get(i);
      s.append(i == 0 ? "" : ",")
          .append('[')
          .append(string(header.name()))
          .append(',')
          .append(hex(header.value()))
          .append(']');
    }
    byte[] headers = RecordCodec.encodeHeaders(w.headers());
    return s.append("],\"crc\":")
        .append(LogInvariants.crc(w.timestampMs(), w.key(), w.value(), headers))
        .append('}')
        .toString();
  }

  private static String hex(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    StringBuilder s = new StringBuilder("\"");
    for (byte b : bytes) {
      s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return s.append('"').toString();
  }

  /** A JSON string as Python writes it with ensure_ascii: every char outside ' '..'~' escaped. */
  private static String string(String text) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        case '\b' -> s.append("\\b");
        case '\f' -> s.append("\\f");
        default -> {
          if (c < ' ' || c > '~') {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }

  private static void assertPythonRecord(
      LogRecord record, long offset, long timestampMs, String value) {
    assertEquals(offset, record.offset());
    assertEquals(timestampMs, record.timestampMs());
    assertEquals("py-key", record.keyAsString());
    assertEquals(value, record.valueAsString());
    assertEquals(PYTHON_HEADERS, record.headers());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
