package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.FormatInteropIT.Batch;
import dev.onelog.FormatInteropIT.Written;
import dev.onelog.internal.write.Partitioner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/FORMAT.md is enough for another language to live with compaction (sections 7 and 13): {@code
 * format_interop.py}, written from the page, reads the latest record of every key as Java's {@code
 * log.latest} does, before and after Java compacts, on the gaps and rewritten batches compaction
 * leaves; it appends to a compacted topic keeping the key index, so that Java's {@code latest} and
 * {@code compact} see its records; it refuses a record without a key and changes nothing. And the
 * page's sqlite3 queries of section 13.6 show what {@code describeTopic} and {@code latest} return.
 * Needs {@code python3} on the PATH. Every file's invariants, compaction's included, are checked
 * after each test ({@link LogFixture}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FormatCompactionIT {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Compacted, with a delete retention of an hour, and a compaction lag of a day that keeps the
   * background cleaner off while the test clock stands still: only {@code log.compact()}, which
   * ignores the lag, compacts.
   */
  private static TopicSpec compacted(String name, int partitions) {
    return TopicSpec.named(name)
        .withPartitions(partitions)
        .withCleanupPolicy(CleanupPolicy.COMPACT)
        .withDeleteRetention(Duration.ofHours(1))
        .withMinCompactionLag(Duration.ofDays(1));
  }

  // ---- FORMAT.md section 13.2: the latest record of a key ----

  @Test
  void pythonReadsTheLatestRecordOfEveryKeyAsJavaDoesBeforeAndAfterCompaction() throws Exception {
    Path file = fixture.file("latest.db");
    TestClock clock = new TestClock(START);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      keys.add(utf8("user-" + i));
    }
    keys.add(new byte[0]); // an empty key is a key, not a missing one (section 3)
    keys.add(new byte[] {0, -1, 127, -128, '\'', '"'});
    keys.add(utf8("ünï ✓"));
    List<byte[]> written = List.copyOf(keys);
    keys.add(utf8("never written"));
    Random random = new Random(13);
    try (OneLog log = OneLog.builder(file).clock(clock).open()) {
      // A deleted topic first, so that users has id 2: readers must look ids up.
      log.createTopic(TopicSpec.named("gone"));
      log.deleteTopic("gone");
      log.createTopic(compacted("users", 3));
      appendRandomly(log, "users", written, random, 300);
      for (PartitionDescription p : log.describeTopic("users").partitions()) {
        assertEquals(0, p.cleanerOffset(), "nothing compacted yet: " + p);
      }
      int none = assertLatestAgrees(file, log, "users", keys);
      assertTrue(none >= 2, "a key written last as a tombstone, and one never written: " + none);

      log.compact();
      for (PartitionDescription p : log.describeTopic("users").partitions()) {
        assertEquals(p.nextOffset(), p.cleanerOffset(), "compacted to the end: " + p);
        assertTrue(p.recordCount() <= written.size(), "one record per key: " + p);
      }
      assertLatestAgrees(file, log, "users", keys);
      assertPythonReadsWhatJavaReads(file, log, "users"); // gaps, batches rewritten

      appendRandomly(log, "users", written, random, 100); // a dirty section above the clean one
      assertLatestAgrees(file, log, "users", keys);

      clock.advance(Duration.ofHours(2));
      log.compact(); // the tombstones' delete horizon has passed: they go, with their keys' rows
      assertLatestAgrees(file, log, "users", keys);

      // Retention's deleteRecordsBefore, from inside a batch of partition 1.
      TopicPartition users1 = TopicPartition.of("users", 1);
      List<LogRecord> stored = PartitionRecords.all(log, users1);
      assertTrue(stored.size() >= 4, stored::toString);
      log.deleteRecordsBefore(users1, stored.get(stored.size() / 2).offset());
      assertLatestAgrees(file, log, "users", keys);
      assertPythonReadsWhatJavaReads(file, log, "users");
    }

    // Section 13.2's last case: index rows pointing at an offset the batch does not hold, or at a
    // record of another key. The page's protocols never leave these; a reader returns no record.
    TopicPartition partition = null;
    List<LogRecord> live = new ArrayList<>();
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      for (int p = 0; p < 3 && live.size() < 2; p++) {
        live.clear();
        for (byte[] key : written) {
          Optional<LogRecord> latest = log.latest("users", key);
          if (latest.isPresent() && latest.get().partition() == p) {
            live.add(latest.get());
          }
        }
        partition = TopicPartition.of("users", p);
      }
      assertTrue(live.size() >= 2, "a partition with two keys that have a record");
      List<Long> offsets =
          PartitionRecords.all(log, partition).stream().map(LogRecord::offset).toList();
      long gap = offsets.get(0);
      while (offsets.contains(gap)) {
        gap++;
      }
      assertTrue(gap < offsets.get(offsets.size() - 1), "a gap between stored offsets");
      LogRecord first = live.get(0);
      LogRecord second = live.get(1);
      String table = "keys_2_" + partition.partition();
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
        setLatestOffset(c, table, first.key(), gap);
        setLatestOffset(c, table, second.key(), first.offset());
        assertEquals(Optional.empty(), log.latest(partition, first.key()), "offset not stored");
        assertEquals(Optional.empty(), log.latest(partition, second.key()), "another key's");
        assertLatestAgrees(file, log, "users", List.of(first.key(), second.key()));
        setLatestOffset(c, table, first.key(), first.offset());
        setLatestOffset(c, table, second.key(), second.offset());
      }
      assertLatestAgrees(file, log, "users", keys);
    }
  }

  // ---- FORMAT.md section 7: appending to a compacted topic ----

  @Test
  void javaSeesWhatPythonAppendsToACompactedTopicAndCompactsItToTheNewestOfEachKey()
      throws Exception {
    Path file = fixture.file("append.db");
    TopicPartition c0 = TopicPartition.of("c", 0);
    List<Written> model = new ArrayList<>(); // every record appended to c-0, in offset order
    long timestampMs = System.currentTimeMillis();
    try (OneLog log = OneLog.open(file)) {
      // compact,delete compacts too; its retention of ten years deletes nothing here
      log.createTopic(
          compacted("c", 2)
              .withCleanupPolicy(CleanupPolicy.COMPACT_DELETE)
              .withRetention(Duration.ofDays(3650)));
      for (String key : List.of("a", "b", "c", "")) {
        model.add(javaAppend(log, c0, key, "java 1"));
      }
      log.compact(); // a clean section for Python's records to supersede
      model.add(javaAppend(log, c0, "b", "java 2"));
      assertEquals(4, log.describeTopic("c").partitions().get(0).cleanerOffset());

      // Python appends while Java has the log open. Keys a, b, d, b, d, b: d's newest record is a
      // tombstone, b's is the last; then the empty key and a key in UTF-8 whose newest is a
      // tombstone.
      model.addAll(
          pythonAppend(file, c0, log.nextOffset(c0), 6, timestampMs, "a", List.of("b", "d"), "py"));
      model.addAll(
          pythonAppend(
              file, c0, log.nextOffset(c0), 3, timestampMs + 10, "", List.of("ünï ✓"), "second"));

      List<byte[]> keys = new ArrayList<>();
      for (String key : List.of("a", "b", "c", "d", "", "ünï ✓", "never written")) {
        keys.add(utf8(key));
      }
      Map<ByteBuffer, Written> newest = newestByKey(model);
      for (byte[] key : keys) {
        Written expected = newest.get(ByteBuffer.wrap(key));
        assertEquals(
            Optional.ofNullable(expected)
                .filter(w -> w.value() != null)
                .map(w -> PythonOutput.record("c", w)),
            log.latest(c0, key).map(r -> PythonOutput.record("c", written(r))),
            () -> "Java's latest of " + new String(key, StandardCharsets.UTF_8));
      }
      assertLatestAgrees(file, log, c0, keys);

      // Compaction keeps exactly the newest record of each key, Python's as Java's.
      log.compact();
      // compact() indexed everything: one BLOB row per key, at its newest record, tombstones
      // included.
      Map<String, Long> index = new TreeMap<>();
      newest.forEach(
          (key, w) -> index.put(HexFormat.of().withUpperCase().formatHex(key.array()), w.offset()));
      Map<String, Long> stored = new TreeMap<>();
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          PreparedStatement s =
              c.prepareStatement("SELECT typeof(key), hex(key), latest_offset FROM keys_1_0");
          ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          assertEquals("blob", rs.getString(1), "keys are stored as BLOBs: " + rs.getString(2));
          stored.put(rs.getString(2), rs.getLong(3));
        }
      }
      assertEquals(index, stored, "keys_1_0");

      assertEquals(
          newest.values().stream()
              .sorted(Comparator.comparingLong(Written::offset))
              .map(w -> PythonOutput.record("c", w))
              .toList(),
          PartitionRecords.all(log, c0).stream()
              .map(r -> PythonOutput.record("c", written(r)))
              .toList());
      assertEquals(List.of(), PartitionRecords.all(log, TopicPartition.of("c", 1)));
      assertPythonReadsWhatJavaReads(file, log, "c");

      // And Python appends past the cleaner point, Java compacts again.
      model.addAll(
          pythonAppend(file, c0, log.nextOffset(c0), 2, timestampMs + 20, "d", List.of("a"), "3"));
      newest = newestByKey(model);
      assertLatestAgrees(file, log, c0, keys);
      assertEquals("3", log.latest(c0, utf8("d")).orElseThrow().valueAsString());
      log.compact();
      assertEquals(
          newest.values().stream()
              .sorted(Comparator.comparingLong(Written::offset))
              .map(w -> PythonOutput.record("c", w))
              .toList(),
          PartitionRecords.all(log, c0).stream()
              .map(r -> PythonOutput.record("c", written(r)))
              .toList());
      assertLatestAgrees(file, log, c0, keys);
    }
  }

  @Test
  void pythonRefusesARecordWithoutAKeyForACompactedTopicAndChangesNothing() throws Exception {
    Path file = fixture.file("refuse.db");
    Map<TopicPartition, String> refusals = new LinkedHashMap<>();
    String notCompacted;
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("c").withCleanupPolicy(CleanupPolicy.COMPACT));
      log.createTopic(
          TopicSpec.named("cd").withPartitions(2).withCleanupPolicy(CleanupPolicy.COMPACT_DELETE));
      log.createTopic(TopicSpec.named("d"));
      for (TopicPartition p : List.of(TopicPartition.of("c", 0), TopicPartition.of("cd", 1))) {
        log.append(ProducerRecord.of(p.topic(), "k", "v").withPartition(p.partition()));
        InvalidRecordException java =
            assertThrows(
                InvalidRecordException.class,
                () ->
                    log.append(
                        ProducerRecord.of(p.topic(), null, "no key").withPartition(p.partition())));
        refusals.put(p, java.getMessage());
      }
      IllegalArgumentException java =
          assertThrows(IllegalArgumentException.class, () -> log.latest("d", utf8("k")));
      notCompacted = java.getMessage();
    }

    String contents = FormatInteropIT.contents(file);
    for (Map.Entry<TopicPartition, String> refusal : refusals.entrySet()) {
      TopicPartition p = refusal.getKey();
      // Record 0 has a key, record 1 none: the whole batch is refused.
      InteropProcess.Result python =
          InteropProcess.python(
              fixture.dir(),
              file.toString(),
              p.topic(),
              "--append-only",
              "--partition",
              Integer.toString(p.partition()),
              "--count",
              "2",
              "--key",
              "k");
      assertEquals(2, python.exitStatus(), python::describe);
      assertTrue(
          python.stderr().startsWith("format_interop: " + refusal.getValue() + "\n"),
          () -> "Java: " + refusal.getValue() + "; Python: " + python.describe());
      assertEquals(List.of(), python.stdout());
      assertEquals(contents, FormatInteropIT.contents(file), "Python changed nothing");
    }
    InteropProcess.Result latest =
        InteropProcess.python(fixture.dir(), "latest", file.toString(), "d", "k");
    assertEquals(2, latest.exitStatus(), latest::describe);
    assertTrue(
        latest.stderr().startsWith("format_interop: " + notCompacted + "\n"),
        () -> "Java: " + notCompacted + "; Python: " + latest.describe());

    // The policy is read from the file each time: once c stops compacting, it takes a record
    // without a key, and Python leaves its dropped key index alone.
    try (OneLog log = OneLog.open(file)) {
      log.alterTopic("c", spec -> spec.withCleanupPolicy(CleanupPolicy.DELETE));
      for (String topic : List.of("c", "d")) {
        InteropProcess.Result python =
            InteropProcess.python(
                fixture.dir(), file.toString(), topic, "--append-only", "--count", "2");
        assertEquals(0, python.exitStatus(), python::describe);
      }
      List<LogRecord> c = PartitionRecords.all(log, TopicPartition.of("c", 0));
      assertEquals(3, c.size(), c::toString);
      assertNull(c.get(2).key());
    }
  }

  // ---- FORMAT.md section 13.6: the page's queries ----

  @Test
  void theCompactionQueriesInFormatMdShowWhatDescribeTopicAndLatestReturn() throws Exception {
    Path file = fixture.file("users.db");
    TestClock clock = new TestClock(START);
    byte[] user42 = utf8("user-42");
    long firstPassEnd;
    try (OneLog log = OneLog.builder(file).clock(clock).open()) {
      log.createTopic(compacted("users", 2)); // id 1, the page's keys_1_0
      log.createTopic(compacted("prices", 1).withCleanupPolicy(CleanupPolicy.COMPACT_DELETE));
      log.createTopic(TopicSpec.named("events"));
      log.createTopic(compacted("empty", 1));
      assertEquals(0, Partitioner.forKey(user42, 2), "user-42 is in partition 0");
      for (int i = 0; i < 200; i++) {
        String key = "user-" + i % 50;
        log.append(
            ProducerRecord.of("users", key, i % 7 == 3 ? null : "value " + i + " of " + key));
        log.append(ProducerRecord.of("prices", "item-" + i % 13, "price " + i));
        log.append(ProducerRecord.of("events", null, "event " + i));
      }
      log.append(ProducerRecord.of("users", "user-42", "42"));
      log.compact(); // tombstones kept until START + 1 h
      firstPassEnd = log.describeTopic("users").partitions().get(0).cleanerOffset();

      clock.advance(Duration.ofMinutes(10));
      for (int i = 0; i < 12; i++) { // tombstones kept until START + 1 h 10 min
        log.append(ProducerRecord.of("users", "user-" + i, null));
      }
      log.compact();
      clock.advance(Duration.ofMinutes(1));
      for (int i = 0; i < 8; i++) { // a dirty section: its tombstones have no horizon yet
        log.append(ProducerRecord.of("users", "user-" + (40 + i), i % 2 == 0 ? null : "new"));
        log.append(ProducerRecord.of("prices", "item-" + i, "new price"));
      }
      log.append(ProducerRecord.of("users", "user-42", "newest"));
    }

    try (OneLog log = OneLog.builder(file).readOnly().open();
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      List<String> queries = FormatDocSql.statements("compaction-queries");
      assertEquals(4, queries.size(), queries::toString);

      // Cleaner point and dirty share: one row per partition of a compacted topic.
      List<String> points = new ArrayList<>();
      List<Double> shares = new ArrayList<>();
      for (String topic : List.of("empty", "prices", "users")) {
        for (PartitionDescription p : log.describeTopic(topic).partitions()) {
          points.add(topic + "|" + p.partition() + "|" + p.cleanerOffset() + "|" + p.nextOffset());
          shares.add(p.dirtyShare());
        }
      }
      assertTrue(
          shares.stream().anyMatch(s -> s > 0.01 && s < 0.99),
          "a partition partly dirty: " + shares);
      List<String> rows = FormatDocSql.rows(c, queries.get(0));
      List<String> sorted = rows.stream().sorted().toList(); // the query has no ORDER BY
      assertEquals(points.size(), sorted.size(), rows::toString);
      for (int i = 0; i < points.size(); i++) {
        String row = sorted.get(i);
        int bar = row.lastIndexOf('|');
        assertEquals(points.get(i), row.substring(0, bar), queries.get(0));
        double share = Double.parseDouble(row.substring(bar + 1));
        double java = shares.get(i);
        assertTrue(
            Math.abs(share - java) <= 0.0005 + 1e-12,
            () -> row + ": rounded to 3 places, Java's dirtyShare() is " + java);
      }
      List<String> all = new ArrayList<>(rows);

      // How far the key index has gone: the records appended after the last compact() wait for
      // it, unless the writer found the log idle long enough to index them before it closed.
      List<String> indexed = FormatDocSql.rows(c, queries.get(1));
      long unindexed = 0;
      for (String row : indexed) {
        unindexed += Long.parseLong(row.substring(row.lastIndexOf('|') + 1));
      }
      assertTrue(unindexed == 9 || unindexed == 0, () -> "unindexed records: " + indexed);
      all.addAll(indexed);

      // Where the newest indexed record of user-42 is: its newest when that is indexed, else the
      // one the last compact() kept below the cleaner point; latest() finds the newest anyway.
      List<String> latest = FormatDocSql.rows(c, queries.get(2));
      LogRecord newest = log.latest("users", user42).orElseThrow();
      assertEquals("newest", newest.valueAsString());
      long cleanerPoint = log.describeTopic("users").partitions().get(0).cleanerOffset();
      long kept =
          PartitionRecords.all(log, TopicPartition.of("users", 0)).stream()
              .filter(r -> r.keyAsString().equals("user-42") && r.offset() < cleanerPoint)
              .mapToLong(LogRecord::offset)
              .max()
              .orElseThrow();
      assertEquals(
          List.of(Long.toString(unindexed == 0 ? newest.offset() : kept)), latest, queries.get(2));
      all.addAll(latest);

      // The tombstones kept below the cleaner point of users-0, with the horizon of the pass
      // that kept them.
      TopicPartition users0 = TopicPartition.of("users", 0);
      long cleanerOffset = log.describeTopic("users").partitions().get(0).cleanerOffset();
      DateTimeFormatter seconds =
          DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
      List<String> tombstones = new ArrayList<>();
      for (LogRecord r : PartitionRecords.all(log, users0)) {
        if (r.value() == null && r.offset() < cleanerOffset) {
          Instant horizon =
              START
                  .plus(Duration.ofHours(1))
                  .plus(Duration.ofMinutes(r.offset() < firstPassEnd ? 0 : 10));
          tombstones.add(r.keyAsString() + "|" + r.offset() + "|" + seconds.format(horizon));
        }
      }
      List<String> waiting = FormatDocSql.rows(c, queries.get(3));
      assertEquals(
          tombstones.stream().sorted().toList(),
          waiting.stream().sorted().toList(),
          queries.get(3));
      assertTrue(
          waiting.stream().map(row -> row.substring(row.lastIndexOf('|'))).distinct().count() == 2,
          "tombstones of both passes: " + waiting);
      List<String> byHorizon = new ArrayList<>(waiting);
      byHorizon.sort(Comparator.comparing(row -> row.substring(row.lastIndexOf('|'))));
      assertEquals(byHorizon, waiting, "ordered by their delete horizon");
      all.addAll(waiting);

      if (InteropProcess.sqlite3Installed()) {
        Path sql =
            Files.writeString(
                fixture.dir().resolve("compaction.sql"), FormatDocSql.block("compaction-queries"));
        InteropProcess.Result shell =
            InteropProcess.sqlite3(fixture.dir(), file, ".read '" + sql + "'\n");
        assertEquals(0, shell.exitStatus(), shell::describe);
        assertEquals(
            all.stream().sorted().toList(),
            shell.stdout().stream().sorted().toList(),
            "sqlite3 prints what JDBC reads");
      }
    }
  }

  // ---- Java and Python ----

  /**
   * Runs {@code format_interop.py latest} on the keys (each in the partition of its key) and checks
   * it prints what Java's {@code log.latest} returns; returns how many keys have no record.
   */
  private int assertLatestAgrees(Path file, OneLog log, String topic, List<byte[]> keys)
      throws Exception {
    int partitions = log.describeTopic(topic).partitions().size();
    List<String> expected = new ArrayList<>();
    int none = 0;
    for (byte[] key : keys) {
      Optional<LogRecord> latest = log.latest(topic, key);
      none += latest.isEmpty() ? 1 : 0;
      expected.add(
          PythonOutput.latestLine(topic, Partitioner.forKey(key, partitions), key, latest));
    }
    PythonOutput.assertPrinted(expected, latest(file, topic, null, keys));
    return none;
  }

  /** As above, with the partition given: {@code latest --partition P}. */
  private void assertLatestAgrees(
      Path file, OneLog log, TopicPartition partition, List<byte[]> keys) throws Exception {
    List<String> expected = new ArrayList<>();
    for (byte[] key : keys) {
      expected.add(
          PythonOutput.latestLine(
              partition.topic(), partition.partition(), key, log.latest(partition, key)));
    }
    PythonOutput.assertPrinted(expected, latest(file, partition.topic(), partition, keys));
  }

  private InteropProcess.Result latest(
      Path file, String topic, TopicPartition partition, List<byte[]> keys) throws Exception {
    List<String> args = new ArrayList<>(List.of("latest", file.toString(), topic, "--hex"));
    if (partition != null) {
      args.addAll(List.of("--partition", Integer.toString(partition.partition())));
    }
    keys.forEach(key -> args.add(HexFormat.of().formatHex(key)));
    InteropProcess.Result python =
        InteropProcess.python(fixture.dir(), args.toArray(String[]::new));
    assertEquals(0, python.exitStatus(), python::describe);
    return python;
  }

  /** Python reads the whole topic, every batch checked, exactly as Java reads it. */
  private void assertPythonReadsWhatJavaReads(Path file, OneLog log, String topic)
      throws Exception {
    List<Written> written = new ArrayList<>();
    List<List<Batch>> batches = new ArrayList<>();
    long topicId;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      topicId =
          Long.parseLong(
              FormatDocSql.rows(c, "SELECT id FROM topics WHERE name = '" + topic + "'").get(0));
      for (PartitionDescription p : log.describeTopic(topic).partitions()) {
        PartitionRecords.all(log, TopicPartition.of(topic, p.partition()))
            .forEach(r -> written.add(written(r)));
        List<Batch> partitionBatches = new ArrayList<>();
        for (String row :
            FormatDocSql.rows(
                c,
                "SELECT base_offset, last_offset, record_count FROM log_"
                    + topicId
                    + "_"
                    + p.partition()
                    + " ORDER BY last_offset")) {
          String[] columns = row.split("\\|");
          partitionBatches.add(
              new Batch(
                  Long.parseLong(columns[0]),
                  Long.parseLong(columns[1]),
                  Long.parseLong(columns[2])));
        }
        batches.add(partitionBatches);
      }
    }
    InteropProcess.Result python =
        InteropProcess.python(fixture.dir(), file.toString(), topic, "--read-only");
    assertEquals(0, python.exitStatus(), python::describe);
    PythonOutput.assertPrinted(PythonOutput.read(topic, written, batches, 0), python);
  }

  /** Runs {@code format_interop.py FILE TOPIC --append-only ...}; returns what it appended. */
  private List<Written> pythonAppend(
      Path file,
      TopicPartition partition,
      long baseOffset,
      int count,
      long timestampMs,
      String key,
      List<String> moreKeys,
      String value)
      throws Exception {
    InteropProcess.Result python =
        InteropProcess.python(
            fixture.dir(),
            file.toString(),
            partition.topic(),
            "--append-only",
            "--partition",
            Integer.toString(partition.partition()),
            "--count",
            Integer.toString(count),
            "--key",
            key,
            "--more-keys",
            String.join(",", moreKeys),
            "--value",
            value,
            "--timestamp-ms",
            Long.toString(timestampMs));
    assertEquals(0, python.exitStatus(), python::describe);
    List<Written> appended =
        PythonOutput.appended(
            partition.partition(), baseOffset, count, timestampMs, key, moreKeys, value);
    assertEquals(
        List.of(PythonOutput.appendedLine(partition.topic(), appended)),
        python.stdout(),
        python::describe);
    return appended;
  }

  private static Written javaAppend(
      OneLog log, TopicPartition partition, String key, String value) {
    ProducerRecord record =
        ProducerRecord.of(partition.topic(), key, value).withPartition(partition.partition());
    RecordMetadata stored = log.append(record);
    return new Written(
        partition.partition(),
        stored.offset(),
        stored.timestampMs(),
        record.key(),
        record.value(),
        record.headers());
  }

  /**
   * Appends {@code count} records of the keys in random order, in appends of one to eight records
   * (so batches of several, a key repeated in one); about one in five is a tombstone, one in four
   * has a header.
   */
  private static void appendRandomly(
      OneLog log, String topic, List<byte[]> keys, Random random, int count) {
    int appended = 0;
    while (appended < count) {
      List<ProducerRecord> records = new ArrayList<>();
      for (int i = 1 + random.nextInt(8); i > 0 && appended < count; i--, appended++) {
        byte[] key = keys.get(random.nextInt(keys.size()));
        byte[] value =
            random.nextInt(5) == 0
                ? null
                : utf8("value " + appended + " " + "v".repeat(random.nextInt(200)));
        List<Header> headers =
            random.nextInt(4) == 0
                ? List.of(Header.of("n", Integer.toString(appended)))
                : List.of();
        records.add(new ProducerRecord(topic, null, null, key, value, headers));
      }
      log.append(records);
    }
  }

  /** The newest record of each key, tombstones included. */
  private static Map<ByteBuffer, Written> newestByKey(List<Written> records) {
    Map<ByteBuffer, Written> newest = new LinkedHashMap<>();
    for (Written w : records) {
      newest.put(ByteBuffer.wrap(w.key()), w);
    }
    return newest;
  }

  private static Written written(LogRecord r) {
    return new Written(r.partition(), r.offset(), r.timestampMs(), r.key(), r.value(), r.headers());
  }

  private static void setLatestOffset(Connection c, String table, byte[] key, long offset)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement("UPDATE " + table + " SET latest_offset = ? WHERE key = ?")) {
      update.setLong(1, offset);
      update.setBytes(2, key);
      assertEquals(1, update.executeUpdate(), table);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
