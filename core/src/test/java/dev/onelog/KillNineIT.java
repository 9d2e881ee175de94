package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onelog.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 battery (docs/RELIABILITY.md): four writer processes ({@link ChildKillWriter}, three
 * threads each: single sends and atomic lists; event-store appends and {@code log.transaction}s
 * that send and insert a row; sends to a compacted topic and to a topic whose old records it
 * deletes, each round followed by {@code log.compact()}, so that kills also land inside compaction,
 * retention and checkpoints) on one file, killed with SIGKILL one at a time at random moments and
 * started again, {@code -Donelog.kills=N} times (default 50; the large size is 1,000). Then every
 * acknowledged write must be in the file exactly once (or, on the compacted topic, under a newer
 * record of its key, and on the other, below the deleted offset), nothing may be in it twice, what
 * each writer incarnation sent must be a prefix of its sends (no later write kept where an earlier
 * one was lost; not on those two topics), in order within a partition and a stream, a transaction's
 * record and row together or neither, and {@code verify} clean. A kill is a trial: it passed when
 * everything its incarnation acknowledged is there. Seeded: {@code -Donelog.seed=S} repeats a run;
 * {@code -Donelog.durability=NORMAL} runs the other mode (a process crash loses nothing in either).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class KillNineIT {
  private static final int WRITERS = 4;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** A write's value parsed: {@code w<W>.i<I>.<kind>.<seq>[.<n>]}. */
  private record Value(String incarnation, String kind, long seq, int sub) {
    static Value parse(String text) {
      String[] parts = text.split("\\.");
      return new Value(
          parts[0] + "." + parts[1],
          parts[2],
          Long.parseLong(parts[3]),
          parts.length > 4 ? Integer.parseInt(parts[4]) : 0);
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesKillsExactlyOnceAndInOrder() throws Exception {
    int kills = Integer.getInteger("onelog.kills", 50);
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    String durability = System.getProperty("onelog.durability", "FSYNC");
    System.out.printf("kill -9 battery: %d kills, seed %d, %s%n", kills, seed, durability);
    Path file = dir.resolve("kill.db");
    try (OneLog log = OneLog.builder(file).durability(Durability.valueOf(durability)).open()) {
      log.createTopic(TopicSpec.named("k").withPartitions(4));
      log.createTopic(TopicSpec.named("t"));
      log.createTopic(
          TopicSpec.named("c").withPartitions(4).withCleanupPolicy(CleanupPolicy.COMPACT));
      log.createTopic(TopicSpec.named("r").withPartitions(WRITERS));
      log.transaction(tx -> tx.execute("CREATE TABLE kill_rows (value TEXT NOT NULL)"));
    }

    Random random = new Random(seed);
    ChildJvm[] writers = new ChildJvm[WRITERS];
    int[] incarnations = new int[WRITERS];
    Map<String, List<String>> acksByIncarnation = new TreeMap<>();
    List<Long> openMillis = new ArrayList<>();
    long started = System.nanoTime();
    try {
      for (int w = 0; w < WRITERS; w++) {
        writers[w] = start(file, w, 0, durability, openMillis);
      }
      for (int k = 0; k < kills; k++) {
        Thread.sleep(20 + random.nextInt(300));
        int w = random.nextInt(WRITERS);
        ChildJvm victim = writers[w];
        if (!victim.isAlive()) {
          fail(victim.name() + " died on its own: " + victim.describe());
        }
        victim.kill();
        acksByIncarnation.put(victim.name(), acks(victim));
        incarnations[w]++;
        writers[w] = start(file, w, incarnations[w], durability, openMillis);
      }
    } finally {
      for (ChildJvm writer : writers) {
        if (writer != null) {
          writer.kill();
          acksByIncarnation.putIfAbsent(writer.name(), acks(writer));
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    long openStart = System.nanoTime();
    Contents contents;
    VerifyReport report;
    try (OneLog log = OneLog.builder(file).open()) {
      long reopenMillis = (System.nanoTime() - openStart) / 1_000_000;
      System.out.printf("reopen after the last kill: %d ms%n", reopenMillis);
      contents = Contents.read(log);
      report = log.verify();
    }
    assertTrue(report.ok(), "verify: " + report.problems());
    LogInvariants.check(file);

    List<String> failures = new ArrayList<>();
    failures.addAll(contents.duplicates());
    failures.addAll(contents.transactionsHalfDone());
    failures.addAll(contents.notPrefixesOrOutOfOrder());
    int passed = 0;
    long acked = 0;
    for (Map.Entry<String, List<String>> incarnation : acksByIncarnation.entrySet()) {
      List<String> lost = new ArrayList<>();
      for (String ack : incarnation.getValue()) {
        acked++;
        if (!contents.holds(ack)) {
          lost.add(ack);
        }
      }
      if (lost.isEmpty()) {
        passed++;
      } else {
        failures.add(
            incarnation.getKey()
                + " lost "
                + lost.size()
                + " acknowledged writes, first "
                + lost.get(0));
      }
    }
    long[] opens = openMillis.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "%d kills in %.1f s; %d writes acknowledged, %d in the file (%d records, %d events, %d"
            + " transactions, %d on the compacted topic, %d on the retained one); lost %d, duplicated %d; writer"
            + " opens median %d ms, max %d ms%n",
        kills,
        seconds,
        acked,
        contents.size(),
        contents.records.size(),
        contents.events.size(),
        contents.transactionRecords.size(),
        contents.compacted.size(),
        contents.retained.size(),
        acked - acksPresent(contents, acksByIncarnation),
        contents.duplicates().size(),
        opens[opens.length / 2],
        opens[opens.length - 1]);
    int trials = acksByIncarnation.size();
    System.out.printf("%d passed, %d failed%n", passed, trials - passed);
    assertEquals(List.of(), failures, "seed " + seed);
    assertTrue(acked > kills, "too few writes acknowledged to mean anything: " + acked);
  }

  private static ChildJvm start(
      Path file, int writer, int incarnation, String durability, List<Long> openMillis)
      throws Exception {
    ChildJvm child =
        ChildJvm.start(
            "w" + writer + ".i" + incarnation,
            ChildKillWriter.class,
            List.of(
                file.toString(),
                Integer.toString(writer),
                Integer.toString(incarnation),
                durability));
    ChildJvm.Line ready = child.await(l -> l.text().startsWith("READY "), READY_TIMEOUT, "READY");
    openMillis.add(Long.parseLong(ready.fields()[1]));
    return child;
  }

  private static List<String> acks(ChildJvm child) {
    return child.lines("ACK").stream().map(ChildJvm.Line::text).toList();
  }

  private static long acksPresent(Contents contents, Map<String, List<String>> acks) {
    long present = 0;
    for (List<String> incarnation : acks.values()) {
      for (String ack : incarnation) {
        if (contents.holds(ack)) {
          present++;
        }
      }
    }
    return present;
  }

  /** What the file holds after the last kill, by value. */
  private static final class Contents {
    /** Topic "k": value to its (partition, offset)s, in offset order. */
    final Map<String, List<long[]>> records = new HashMap<>();

    /** Stream events: value to its versions. */
    final Map<String, List<Long>> events = new HashMap<>();

    /** Topic "t": value to its offsets. */
    final Map<String, List<Long>> transactionRecords = new HashMap<>();

    /** Topics "c" (compacted) and "r" (records deleted before an offset): value to places. */
    final Map<String, List<long[]>> compacted = new HashMap<>();

    final Map<String, List<long[]>> retained = new HashMap<>();

    /** Topic "c": each key's newest offset; topic "r": each partition's earliest offset. */
    final Map<String, Long> newestOfKey = new HashMap<>();

    final long[] earliestRetained = new long[WRITERS];

    /** Table kill_rows: value to how many rows hold it. */
    final Map<String, Integer> rows = new HashMap<>();

    /** Per incarnation and kind, the sequence numbers in file order (offset or version). */
    final Map<String, List<Value>> sequences = new TreeMap<>();

    static Contents read(OneLog log) {
      Contents contents = new Contents();
      for (int p = 0; p < 4; p++) {
        TopicPartition partition = new TopicPartition("k", p);
        for (LogRecord record : PartitionRecords.all(log, partition)) {
          String value = record.valueAsString();
          contents
              .records
              .computeIfAbsent(value, v -> new ArrayList<>())
              .add(new long[] {p, record.offset()});
          contents.sequence(value, "p" + p);
        }
      }
      for (int p = 0; p < 4; p++) {
        for (LogRecord record : PartitionRecords.all(log, new TopicPartition("c", p))) {
          String value = record.valueAsString();
          contents
              .compacted
              .computeIfAbsent(value, v -> new ArrayList<>())
              .add(new long[] {p, record.offset()});
          contents.newestOfKey.merge(record.keyAsString(), record.offset(), Math::max);
          contents.sequence(value, "c" + p);
        }
      }
      for (int p = 0; p < WRITERS; p++) {
        TopicPartition partition = new TopicPartition("r", p);
        contents.earliestRetained[p] = log.earliestOffset(partition);
        for (LogRecord record : PartitionRecords.all(log, partition)) {
          String value = record.valueAsString();
          contents
              .retained
              .computeIfAbsent(value, v -> new ArrayList<>())
              .add(new long[] {p, record.offset()});
          contents.sequence(value, "r" + p);
        }
      }
      for (LogRecord record : PartitionRecords.all(log, new TopicPartition("t", 0))) {
        String value = record.valueAsString();
        contents
            .transactionRecords
            .computeIfAbsent(value, v -> new ArrayList<>())
            .add(record.offset());
        contents.sequence(value, "t");
      }
      for (int w = 0; w < WRITERS; w++) {
        long from = 0;
        while (true) {
          List<RecordedEvent> page = log.eventStore().readStream("w" + w, from, 1000);
          if (page.isEmpty()) {
            break;
          }
          for (RecordedEvent event : page) {
            String value = new String(event.data(), StandardCharsets.UTF_8);
            contents.events.computeIfAbsent(value, v -> new ArrayList<>()).add(event.version());
            contents.sequence(value, "s" + w);
            from = event.version() + 1;
          }
        }
      }
      log.transaction(
          tx ->
              tx.query(
                      "SELECT value, count(*) FROM kill_rows GROUP BY value",
                      row -> Map.entry(row.getString(1), row.getInt(2)))
                  .forEach(e -> contents.rows.put(e.getKey(), e.getValue())));
      return contents;
    }

    private void sequence(String value, String where) {
      Value parsed = Value.parse(value);
      sequences
          .computeIfAbsent(
              parsed.incarnation() + " " + parsed.kind() + " " + where, k -> new ArrayList<>())
          .add(parsed);
    }

    long size() {
      return records.size()
          + events.size()
          + transactionRecords.size()
          + compacted.size()
          + retained.size();
    }

    private static boolean onceAt(List<long[]> at, long partition, long offset) {
      return at != null && at.size() == 1 && at.get(0)[0] == partition && at.get(0)[1] == offset;
    }

    /**
     * Whether an acknowledged write ({@code ACK a VALUE PARTITION OFFSET}, {@code ACK e VALUE
     * VERSION} or {@code ACK x VALUE OFFSET}) is in the file once, where it was acknowledged.
     */
    boolean holds(String ack) {
      String[] fields = ack.split(" ");
      String value = fields[2];
      return switch (fields[1]) {
        case "a" -> {
          List<long[]> at = records.get(value);
          yield at != null
              && at.size() == 1
              && at.get(0)[0] == Long.parseLong(fields[3])
              && at.get(0)[1] == Long.parseLong(fields[4]);
        }
        case "e" -> List.of(Long.parseLong(fields[3])).equals(events.get(value));
        case "c" -> {
          // Kept where it was acknowledged, or compacted away under a newer record of its key.
          long partition = Long.parseLong(fields[3]);
          long offset = Long.parseLong(fields[4]);
          Value parsed = Value.parse(value);
          String key = parsed.incarnation().split("\\.")[0] + ".k" + (parsed.seq() % 10);
          yield onceAt(compacted.get(value), partition, offset)
              || (!compacted.containsKey(value) && newestOfKey.getOrDefault(key, -1L) > offset);
        }
        case "r" -> {
          // Kept where it was acknowledged, or below its partition's earliest offset: deleted.
          int partition = Integer.parseInt(fields[3]);
          long offset = Long.parseLong(fields[4]);
          yield onceAt(retained.get(value), partition, offset)
              || (!retained.containsKey(value) && offset < earliestRetained[partition]);
        }
        case "x" ->
            List.of(Long.parseLong(fields[3])).equals(transactionRecords.get(value))
                && Integer.valueOf(1).equals(rows.get(value));
        default -> throw new IllegalArgumentException("an acknowledgement of what? " + ack);
      };
    }

    List<String> duplicates() {
      List<String> found = new ArrayList<>();
      records.forEach(
          (v, at) -> {
            if (at.size() > 1) {
              found.add("record " + v + " is in topic k " + at.size() + " times");
            }
          });
      events.forEach(
          (v, at) -> {
            if (at.size() > 1) {
              found.add("event " + v + " is in its stream at versions " + at);
            }
          });
      transactionRecords.forEach(
          (v, at) -> {
            if (at.size() > 1) {
              found.add("record " + v + " is in topic t at offsets " + at);
            }
          });
      compacted.forEach(
          (v, at) -> {
            if (at.size() > 1) {
              found.add("record " + v + " is in topic c " + at.size() + " times");
            }
          });
      retained.forEach(
          (v, at) -> {
            if (at.size() > 1) {
              found.add("record " + v + " is in topic r " + at.size() + " times");
            }
          });
      rows.forEach(
          (v, n) -> {
            if (n > 1) {
              found.add("row " + v + " is in kill_rows " + n + " times");
            }
          });
      return found;
    }

    List<String> transactionsHalfDone() {
      List<String> found = new ArrayList<>();
      transactionRecords.keySet().stream()
          .filter(v -> !rows.containsKey(v))
          .forEach(v -> found.add("transaction " + v + " kept its record but not its row"));
      rows.keySet().stream()
          .filter(v -> !transactionRecords.containsKey(v))
          .forEach(v -> found.add("transaction " + v + " kept its row but not its record"));
      return found;
    }

    /**
     * Within a partition, a stream or topic t, each incarnation's writes of a kind are in the order
     * it sent them, and together its kept writes of a kind are a prefix of what it sent: commits
     * are in order, so nothing later may survive something earlier that was lost.
     */
    List<String> notPrefixesOrOutOfOrder() {
      List<String> found = new ArrayList<>();
      Map<String, List<Value>> kept = new TreeMap<>();
      sequences.forEach(
          (where, values) -> {
            for (int i = 1; i < values.size(); i++) {
              Value before = values.get(i - 1);
              Value after = values.get(i);
              if (after.seq() < before.seq()
                  || (after.seq() == before.seq() && after.sub() <= before.sub())) {
                found.add(where + ": " + after + " comes after " + before);
              }
            }
            String kind = values.get(0).kind();
            if (!kind.equals("c") && !kind.equals("r")) { // compaction and retention leave gaps
              String key = values.get(0).incarnation() + " " + kind;
              kept.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
            }
          });
      kept.forEach(
          (key, values) -> {
            long[] seqs = values.stream().mapToLong(Value::seq).distinct().sorted().toArray();
            if (seqs.length > 0 && seqs[seqs.length - 1] != seqs.length - 1) {
              found.add(
                  key
                      + " kept "
                      + seqs.length
                      + " writes but its last is number "
                      + seqs[seqs.length - 1]
                      + ": an earlier one is missing");
            }
          });
      return found;
    }
  }
}
