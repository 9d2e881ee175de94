package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.storage.FileFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Battery 4 of the reliability suite, hostile files: copies of one real log, each damaged once (1
 * to 8 flipped bytes, a truncation, or one zeroed 16 KiB page), then verified, opened read-only and
 * read back partition by partition. A copy passes when every record a read returns is the original
 * one, every read that cannot return good records throws {@link CorruptRecordException}, an open
 * that fails throws a typed exception saying the file is damaged, verify throws nothing but that,
 * and every batch a read found corrupt is one verify reported.
 *
 * <p>Seeded and reproducible: {@code -Donelog.hostile.seed=S} repeats a run, {@code
 * -Donelog.hostile.only=I} runs copy I of it alone, {@code -Donelog.hostile.copies=N} sets the
 * number of copies (200 by default; 5000 for the large run).
 */
class HostileFilesIT {
  @TempDir Path dir;

  private static final int PAGE = FileFormat.PAGE_SIZE_BYTES;
  private static final long TIMEOUT_SECONDS = 30;
  private static final Pattern NAMED_BATCH =
      Pattern.compile("ending at (\\S+)-(\\d+)@(-?\\d+) is damaged");

  enum Damage {
    FLIP,
    TRUNCATE,
    ZERO_PAGE
  }

  /** The records of the pristine file, and its batches' offset ranges, by partition. */
  private final Map<TopicPartition, TreeMap<Long, LogRecord>> original = new LinkedHashMap<>();

  private final Map<TopicPartition, TreeMap<Long, Long>> batchBaseByLast = new HashMap<>();

  /** Figures over the whole run; each copy adds to them on the test thread. */
  private final Map<Damage, Integer> copiesByKind = new EnumMap<>(Damage.class);

  private int verifyNotOpened;
  private int verifyClean;
  private int verifyReported;
  private int verifyThrewTyped;
  private int opensFailedTyped;
  private int readsTypedCorrupt;
  private int readsTypedOther;
  private long recordsReadGood;
  private long recordsNotReturned;
  private int wrongRecords;
  private int hangs;
  private int untyped;
  private int unreported;
  private final List<String> failures = new ArrayList<>();

  @Test
  void damagedCopiesFailTypedAndNeverReturnWrongRecords() throws Exception {
    long seed = Long.getLong("onelog.hostile.seed", System.nanoTime());
    int copies = Integer.getInteger("onelog.hostile.copies", 200);
    int only = Integer.getInteger("onelog.hostile.only", -1);
    System.out.println(
        "HostileFilesIT seed "
            + seed
            + " copies "
            + copies
            + " (repeat: -Donelog.hostile.seed="
            + seed
            + ")");
    Path pristine = dir.resolve("pristine.db");
    writePristine(pristine);
    byte[] bytes = Files.readAllBytes(pristine);
    System.out.println(
        "pristine file: "
            + bytes.length
            + " bytes, "
            + bytes.length / PAGE
            + " pages, "
            + original.values().stream().mapToInt(Map::size).sum()
            + " records in "
            + batchBaseByLast.values().stream().mapToInt(Map::size).sum()
            + " batches");

    ExecutorService executor = daemonExecutor();
    int passed = 0;
    int failed = 0;
    for (int i = 0; i < copies; i++) {
      if (only >= 0 && i != only) {
        continue;
      }
      Random random = new Random(seed * 1_000_003L + i);
      Damage kind = Damage.values()[random.nextInt(Damage.values().length)];
      copiesByKind.merge(kind, 1, Integer::sum);
      Path copy = dir.resolve("copy-" + i + ".db");
      String damage = damage(bytes, copy, kind, random);
      int failuresBefore = failures.size();
      Future<Outcome> future = executor.submit(() -> examine(copy));
      Outcome outcome = null;
      try {
        outcome = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        hangs++;
        failures.add("copy " + i + " (" + damage + "): hung for " + TIMEOUT_SECONDS + " s");
        future.cancel(true);
        executor.shutdownNow();
        executor = daemonExecutor();
      } catch (ExecutionException e) {
        untyped++;
        failures.add("copy " + i + " (" + damage + "): the battery itself threw " + e.getCause());
      }
      if (outcome != null) {
        judge(i, damage, outcome);
      }
      if (failures.size() > failuresBefore) {
        failed++;
      } else {
        passed++;
      }
      deleteCopy(copy);
    }
    executor.shutdownNow();

    System.out.println("copies by damage kind: " + copiesByKind);
    System.out.println(
        "verify: file would not open "
            + verifyNotOpened
            + ", clean "
            + verifyClean
            + ", reported problems "
            + verifyReported
            + ", threw a typed exception "
            + verifyThrewTyped);
    System.out.println("opens failing typed: " + opensFailedTyped);
    System.out.println(
        "reads failing typed: CorruptRecordException "
            + readsTypedCorrupt
            + ", other typed (unknown topic or partition) "
            + readsTypedOther);
    System.out.println(
        "records read back equal: "
            + recordsReadGood
            + ", original records not returned (behind an error or lost metadata): "
            + recordsNotReturned);
    System.out.println("wrong records returned: " + wrongRecords);
    System.out.println("corrupt batches verify did not report: " + unreported);
    System.out.println("hangs: " + hangs);
    System.out.println("untyped exceptions: " + untyped);
    failures.stream().limit(30).forEach(f -> System.out.println("FAILED " + f));
    System.out.println(passed + " passed, " + failed + " failed");
    assertEquals(0, failed, "damaged copies failing the battery; seed " + seed);
    assertTrue(passed > 0);
  }

  // ---- The pristine file ----

  /**
   * Writes, through the public API only, three topics: {@code orders} (4 partitions, keyed records
   * with headers), {@code clicks} (3 partitions, unkeyed, some headers, empty and null values) and
   * {@code prices} (2 partitions, compacted, repeating keys and tombstones, then compacted), each
   * partition many batches and several 16 KiB pages of its log table. Closing checkpoints the WAL.
   */
  private void writePristine(Path file) throws Exception {
    Random random = new Random(42);
    Map<TopicPartition, Map<Long, ProducerRecord>> written = new HashMap<>();
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("orders").withPartitions(4));
      log.createTopic(TopicSpec.named("clicks").withPartitions(3));
      log.createTopic(
          TopicSpec.named("prices")
              .withPartitions(2)
              .withCleanupPolicy(CleanupPolicy.COMPACT)
              .withMinCleanableDirtyRatio(0.01)
              .withDeleteRetention(java.time.Duration.ofDays(365)));
      long timestampMs = 1_700_000_000_000L;
      for (int round = 0; round < 40; round++) {
        List<ProducerRecord> batch = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
          for (int r = 0; r < 12; r++) {
            String key = "order-" + random.nextInt(500);
            batch.add(
                new ProducerRecord(
                        "orders",
                        p,
                        timestampMs + random.nextInt(5000),
                        key.getBytes(StandardCharsets.UTF_8),
                        text(random, 60 + random.nextInt(200)),
                        List.of())
                    .withHeader("trace", "t-" + random.nextLong())
                    .withHeader("kind", r % 3 == 0 ? null : "create"));
          }
        }
        for (int p = 0; p < 3; p++) {
          for (int r = 0; r < 15; r++) {
            byte[] value = r % 7 == 0 ? new byte[0] : text(random, 40 + random.nextInt(250));
            ProducerRecord record =
                new ProducerRecord(
                    "clicks", p, timestampMs - random.nextInt(3000), null, value, List.of());
            batch.add(r % 2 == 0 ? record.withHeader("page", "/p/" + r) : record);
          }
        }
        for (int p = 0; p < 2; p++) {
          for (int r = 0; r < 10; r++) {
            byte[] key = ("sku-" + random.nextInt(60)).getBytes(StandardCharsets.UTF_8);
            byte[] value = r % 9 == 8 ? null : text(random, 80 + random.nextInt(300));
            batch.add(new ProducerRecord("prices", p, timestampMs, key, value, List.of()));
          }
        }
        List<RecordMetadata> stored = log.append(batch);
        for (int j = 0; j < batch.size(); j++) {
          RecordMetadata meta = stored.get(j);
          written
              .computeIfAbsent(
                  new TopicPartition(meta.topic(), meta.partition()), tp -> new HashMap<>())
              .put(meta.offset(), batch.get(j));
        }
        timestampMs += 10_000;
        if (round == 25) {
          log.compact(); // rewrites the batches written so far, leaving gaps between offsets
        }
      }
      for (String topic : log.topics()) {
        for (int p = 0; p < log.describeTopic(topic).partitions().size(); p++) {
          TopicPartition tp = new TopicPartition(topic, p);
          TreeMap<Long, LogRecord> records = new TreeMap<>();
          long offset = log.earliestOffset(tp);
          while (true) {
            List<LogRecord> read = log.read(tp, offset, ReadLimit.records(500));
            if (read.isEmpty()) {
              break;
            }
            for (LogRecord record : read) {
              ProducerRecord sent = written.get(tp).get(record.offset());
              assertTrue(sent != null && sameAsSent(record, sent), "read back " + record);
              records.put(record.offset(), record);
            }
            offset = read.get(read.size() - 1).offset() + 1;
          }
          if (!topic.equals("prices")) {
            assertEquals(written.get(tp).size(), records.size(), "records of " + tp);
          }
          original.put(tp, records);
        }
      }
      assertTrue(log.verify().ok(), "the pristine file verifies");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (TopicPartition tp : original.keySet()) {
        long topicId;
        try (ResultSet rs =
            s.executeQuery("SELECT id FROM topics WHERE name = '" + tp.topic() + "'")) {
          rs.next();
          topicId = rs.getLong(1);
        }
        TreeMap<Long, Long> batches = new TreeMap<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT last_offset, base_offset FROM log_" + topicId + "_" + tp.partition())) {
          while (rs.next()) {
            batches.put(rs.getLong(1), rs.getLong(2));
          }
        }
        assertTrue(batches.size() >= 10, tp + " has " + batches.size() + " batches");
        batchBaseByLast.put(tp, batches);
      }
    }
  }

  private static byte[] text(Random random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(26));
    }
    return bytes;
  }

  private static boolean sameAsSent(LogRecord record, ProducerRecord sent) {
    return Arrays.equals(record.key(), sent.key())
        && Arrays.equals(record.value(), sent.value())
        && record.headers().equals(sent.headers())
        && record.timestampMs() == sent.timestampMs();
  }

  private static boolean same(LogRecord a, LogRecord b) {
    return a.topic().equals(b.topic())
        && a.partition() == b.partition()
        && a.offset() == b.offset()
        && a.timestampMs() == b.timestampMs()
        && Arrays.equals(a.key(), b.key())
        && Arrays.equals(a.value(), b.value())
        && a.headers().equals(b.headers());
  }

  // ---- Damage ----

  /** Writes a damaged copy of {@code bytes}; returns what was done, for the failure messages. */
  private static String damage(byte[] bytes, Path copy, Damage kind, Random random)
      throws IOException {
    byte[] damaged = bytes.clone();
    String what;
    switch (kind) {
      case FLIP -> {
        int flips = 1 + random.nextInt(8);
        StringBuilder at = new StringBuilder();
        for (int f = 0; f < flips; f++) {
          int position = random.nextInt(damaged.length);
          int mask = 1 + random.nextInt(255);
          damaged[position] ^= (byte) mask;
          at.append(f == 0 ? "" : ",").append(position).append("^").append(mask);
        }
        what = "flipped bytes " + at;
      }
      case TRUNCATE -> {
        int length = random.nextInt(damaged.length);
        damaged = Arrays.copyOf(damaged, length);
        what = "truncated to " + length + " bytes";
      }
      case ZERO_PAGE -> {
        int page = random.nextInt(damaged.length / PAGE);
        Arrays.fill(damaged, page * PAGE, (page + 1) * PAGE, (byte) 0);
        what = "zeroed page " + page + " (bytes " + page * PAGE + "..)";
      }
      default -> throw new AssertionError(kind);
    }
    Files.write(copy, damaged);
    return what;
  }

  private static void deleteCopy(Path copy) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Files.deleteIfExists(Path.of(copy + suffix));
    }
  }

  private static ExecutorService daemonExecutor() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "hostile-copy");
          t.setDaemon(true);
          return t;
        });
  }

  // ---- Examining one copy ----

  /** What verify, the open and the reads of one copy did. */
  record Outcome(
      VerifyReport report,
      Throwable verifyFailure,
      Throwable openFailure,
      List<LogRecord> returned,
      Map<TopicPartition, List<Throwable>> readFailures) {}

  /**
   * Runs verify on its own read-only log, then opens another read-only log and reads every
   * partition from its earliest offset, going on past a corrupt batch from the offset after it.
   */
  private Outcome examine(Path copy) {
    VerifyReport report = null;
    Throwable verifyFailure = null;
    boolean verifyOpened = false;
    try (OneLog log = OneLog.builder(copy).readOnly().open()) {
      verifyOpened = true;
      report = log.verify();
    } catch (Throwable t) {
      verifyFailure = verifyOpened ? t : null; // a failed open is judged below, with the reads'
    }
    List<LogRecord> returned = new ArrayList<>();
    Map<TopicPartition, List<Throwable>> readFailures = new LinkedHashMap<>();
    OneLog log;
    try {
      log = OneLog.builder(copy).readOnly().open();
    } catch (Throwable t) {
      return new Outcome(report, verifyFailure, t, returned, readFailures);
    }
    if (report == null && verifyFailure == null) {
      verifyFailure = new AssertionError("verify's open failed where the second open worked");
    }
    try (log) {
      for (TopicPartition tp : original.keySet()) {
        long offset;
        try {
          offset = log.earliestOffset(tp);
        } catch (Throwable t) {
          readFailures.computeIfAbsent(tp, k -> new ArrayList<>()).add(t);
          continue;
        }
        for (int reads = 0; reads < 10_000; reads++) {
          List<LogRecord> read;
          try {
            read = log.read(tp, offset, ReadLimit.records(300));
          } catch (Throwable t) {
            readFailures.computeIfAbsent(tp, k -> new ArrayList<>()).add(t);
            Long past = namedLastOffset(t, tp);
            if (past == null || past < offset) {
              break;
            }
            offset = past + 1;
            continue;
          }
          if (read.isEmpty()) {
            break;
          }
          returned.addAll(read);
          offset = read.get(read.size() - 1).offset() + 1;
        }
      }
    } catch (Throwable t) {
      readFailures.computeIfAbsent(null, k -> new ArrayList<>()).add(t);
    }
    return new Outcome(report, verifyFailure, null, returned, readFailures);
  }

  /** The last offset of the batch a CorruptRecordException names, when it names one of tp. */
  private static Long namedLastOffset(Throwable t, TopicPartition tp) {
    if (!(t instanceof CorruptRecordException) || t.getMessage() == null) {
      return null;
    }
    Matcher m = NAMED_BATCH.matcher(t.getMessage());
    if (!m.find()
        || !m.group(1).equals(tp.topic())
        || Integer.parseInt(m.group(2)) != tp.partition()) {
      return null;
    }
    return Long.parseLong(m.group(3));
  }

  // ---- Judging one copy ----

  private void judge(int copy, String damage, Outcome outcome) {
    String where = "copy " + copy + " (" + damage + "): ";
    if (outcome.verifyFailure() != null) {
      if (typedDamage(outcome.verifyFailure())) {
        verifyThrewTyped++;
      } else {
        untyped++;
        failures.add(where + "verify threw " + describe(outcome.verifyFailure()));
      }
    } else if (outcome.report() == null) {
      verifyNotOpened++;
    } else if (outcome.report().ok()) {
      verifyClean++;
    } else {
      verifyReported++;
    }
    if (outcome.openFailure() != null) {
      if (typedDamage(outcome.openFailure())) {
        opensFailedTyped++;
      } else {
        untyped++;
        failures.add(where + "opening threw " + describe(outcome.openFailure()));
      }
      recordsNotReturned += original.values().stream().mapToInt(Map::size).sum();
      return;
    }
    for (LogRecord record : outcome.returned()) {
      TreeMap<Long, LogRecord> records = original.get(record.topicPartition());
      LogRecord expected = records == null ? null : records.get(record.offset());
      if (expected == null || !same(record, expected)) {
        wrongRecords++;
        failures.add(where + "a read returned " + record + ", the original is " + expected);
      } else {
        recordsReadGood++;
      }
    }
    long returnedCount = outcome.returned().size();
    recordsNotReturned +=
        Math.max(0, original.values().stream().mapToInt(Map::size).sum() - returnedCount);
    for (Map.Entry<TopicPartition, List<Throwable>> e : outcome.readFailures().entrySet()) {
      TopicPartition tp = e.getKey();
      for (Throwable t : e.getValue()) {
        if (t instanceof CorruptRecordException) {
          readsTypedCorrupt++;
          if (tp != null) {
            checkReported(where, tp, t, outcome);
          }
        } else if (t instanceof UnknownTopicException || t instanceof UnknownPartitionException) {
          readsTypedOther++;
        } else {
          untyped++;
          failures.add(where + "reading " + tp + " threw " + describe(t));
        }
      }
    }
  }

  /**
   * A read found a corrupt batch: verify must have reported it (a problem of that partition at an
   * offset of that batch), or have failed itself with the typed error. A read failure that names no
   * batch (SQLite found its own pages damaged) needs a problem of that partition or of the file.
   */
  private void checkReported(String where, TopicPartition tp, Throwable t, Outcome outcome) {
    if (outcome.verifyFailure() != null) {
      return; // verify failed typed, judged above
    }
    Long lastOffset = namedLastOffset(t, tp);
    List<VerifyReport.Problem> problems = outcome.report().problems();
    boolean reported;
    if (lastOffset == null) {
      reported =
          problems.stream()
              .anyMatch(
                  p ->
                      p.topic() == null
                          || (p.topic().equals(tp.topic()) && p.partition() == tp.partition()));
    } else {
      Map.Entry<Long, Long> batch = batchBaseByLast.get(tp).ceilingEntry(lastOffset);
      long low = batch == null ? lastOffset : Math.min(batch.getValue(), lastOffset);
      long high = batch == null ? lastOffset : Math.max(batch.getKey(), lastOffset);
      // A problem of the whole log table (missing, unreadable, without a column verify reads)
      // covers each of its batches: verify could not look at them one by one.
      reported =
          problems.stream()
              .anyMatch(
                  p ->
                      tp.topic().equals(p.topic())
                          && p.partition() == tp.partition()
                          && ((p.offset() >= low && p.offset() <= high)
                              || (p.offset() == -1 && p.description().startsWith("log table "))));
    }
    if (!reported) {
      unreported++;
      failures.add(
          where
              + "a read of "
              + tp
              + " failed with \""
              + t.getMessage()
              + "\" but verify reported "
              + problems);
    }
  }

  /**
   * A typed error for a damaged file: {@link CorruptRecordException}, or an exception of the open
   * path ({@link NotAOneLogFileException}) whose message says the file is damaged.
   */
  private static boolean typedDamage(Throwable t) {
    if (t instanceof CorruptRecordException) {
      return true;
    }
    return t instanceof NotAOneLogFileException
        && t.getMessage() != null
        && t.getMessage().contains("damaged");
  }

  private static String describe(Throwable t) {
    StringBuilder s = new StringBuilder(t.toString());
    StackTraceElement[] trace = t.getStackTrace();
    for (int i = 0; i < Math.min(4, trace.length); i++) {
      s.append(" at ").append(trace[i]);
    }
    if (t.getCause() != null) {
      s.append(" caused by ").append(t.getCause());
    }
    return s.toString();
  }
}
