package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.onelog.ChildAimedKill.Operation;
import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.EventPage;
import dev.onelog.eventstore.Projection;
import dev.onelog.eventstore.ProjectionState;
import dev.onelog.eventstore.ProjectionStatus;
import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.OffsetAndMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills aimed inside an operation (docs/RELIABILITY.md, kill -9): a commit with the checkpoint
 * SQLite runs inside it, a retention step, a compaction pass, a group rebalance and a projection's
 * transactions. Each round a {@link ChildAimedKill} process counts the calls (writes, fsyncs,
 * truncates, unlinks of the log's files) one run of the operation makes, then runs it again with
 * the write recorder armed to SIGKILL the process instead of a random one of them. After each kill
 * the file must hold every acknowledged write where it was acknowledged, keep each atomic list
 * whole or leave it out, pass {@code verify} and the format's invariants, and for the operation:
 * records kept contiguous from the earliest offset (retention), each key's newest record kept
 * (compaction), the committed offsets the last acknowledged (or the one in flight) and a new member
 * starting from them (rebalance), exactly one row per event below the projection's checkpoint
 * (projection). {@code -Donelog.aimedKills=N} rounds per operation (default 6; the large size is
 * 200), {@code -Donelog.seed=S} repeats a run.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class AimedKillIT {
  private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(2);
  private static final Pattern KILLED =
      Pattern.compile("write_recorder: SIGKILL instead of call \\d+: (\\S+) (\\S+) (-?\\d+)");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Operation.class)
  void aKillInsideTheOperationLosesNothingAcknowledged(Operation operation) throws Exception {
    int rounds = Integer.getInteger("onelog.aimedKills", 6);
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    Random random = new Random(seed);
    Path logDir = Files.createDirectories(dir.resolve("log"));
    Path file = logDir.resolve("aimed.db");
    create(file, operation);
    List<String> lines = new ArrayList<>();
    Map<String, Integer> killedAt = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int missed = 0;
    int passed = 0;
    long started = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      ChildJvm child =
          ChildJvm.start(
              operation + " round " + round,
              ChildAimedKill.class,
              List.of(
                  file.toString(),
                  operation.name(),
                  Integer.toString(round),
                  Long.toString(random.nextLong()),
                  dir.resolve("arm").toString()),
              Map.of(
                  "LD_PRELOAD", WriteRecorder.shared().library().toString(),
                  "ONELOG_RECORD_DIR", logDir + "/",
                  "ONELOG_KILL_ARM", dir.resolve("arm").toString()));
      int status = child.awaitExit(CHILD_TIMEOUT);
      child.lines().forEach(l -> lines.add(l.text()));
      Matcher killed = KILLED.matcher(child.stderr());
      if (status == 137 && killed.find()) {
        killedAt.merge(where(killed.group(1), killed.group(2)), 1, Integer::sum);
      } else if (status == 0 && child.lines().stream().anyMatch(l -> l.text().equals("MISSED"))) {
        missed++;
      } else {
        fail("round " + round + ", seed " + seed + ": " + child.describe());
      }
      List<String> found = check(operation, file, lines);
      if (found.isEmpty()) {
        passed++;
      } else {
        failures.add("round " + round + " (" + child.lines("AIM") + "): " + found);
      }
    }
    failures.addAll(finish(operation, file, lines));
    System.out.printf(
        "aimed kills, %s: %d rounds in %.1f s, seed %d; killed instead of %s, missed %d%n",
        operation, rounds, (System.nanoTime() - started) / 1e9, seed, killedAt, missed);
    System.out.printf("%d passed, %d failed%n", passed, rounds - passed);
    assertEquals(List.of(), failures, "seed " + seed);
    assertTrue(missed <= rounds / 2, "most kills must land inside the operation: " + missed);
  }

  /** Where a kill landed: the file (database, WAL) and the call. */
  private static String where(String call, String path) {
    String file = path.endsWith("-wal") ? "WAL" : path.endsWith("-shm") ? "shm" : "database file";
    return call + " of the " + file;
  }

  private static void create(Path file, Operation operation) {
    try (OneLog log = OneLog.open(file)) {
      switch (operation) {
        case CHECKPOINT -> log.createTopic(TopicSpec.named("cp"));
        case RETENTION -> log.createTopic(TopicSpec.named("rt"));
        case COMPACTION ->
            log.createTopic(
                TopicSpec.named("cc")
                    .withCleanupPolicy(CleanupPolicy.COMPACT)
                    .withMinCleanableDirtyRatio(0.99)
                    .withMinCompactionLag(Duration.ofDays(1000))); // only compact() cleans it
        case REBALANCE -> log.createTopic(TopicSpec.named("g").withPartitions(4));
        case PROJECTION -> log.eventStore().endPosition();
      }
    }
  }

  /** What is wrong with the file after a round, given every line the children printed. */
  private static List<String> check(Operation operation, Path file, List<String> lines)
      throws Exception {
    LogInvariants.check(file);
    // Read-only for the records: an open log's cleaner could apply retention between two reads.
    boolean records = operation != Operation.REBALANCE && operation != Operation.PROJECTION;
    try (OneLog log =
        records ? OneLog.builder(file).readOnly().open() : OneLog.builder(file).open()) {
      VerifyReport report = log.verify();
      List<String> found = new ArrayList<>();
      if (!report.ok()) {
        found.add("verify: " + report.problems());
      }
      found.addAll(
          switch (operation) {
            case CHECKPOINT, RETENTION, COMPACTION -> checkRecords(operation, log, lines);
            case REBALANCE -> checkGroup(log, lines);
            case PROJECTION -> checkProjection(log, lines);
          });
      return found;
    }
  }

  /** After the last round: the operation run to its end once more leaves the expected result. */
  private static List<String> finish(Operation operation, Path file, List<String> lines)
      throws Exception {
    try (OneLog log = OneLog.open(file)) {
      switch (operation) {
        case RETENTION, COMPACTION -> log.compact();
        case PROJECTION -> {
          try (Projection projection = ChildAimedKill.projection(log)) {
            assertTrue(
                projection.awaitCheckpoint(log.eventStore().endPosition(), Duration.ofMinutes(1)));
          }
        }
        default -> {}
      }
      List<String> found = new ArrayList<>(check(operation, file, lines));
      if (operation == Operation.COMPACTION) {
        Map<String, Long> newest = newestOfKeys(acked(lines, "cc"));
        Map<String, Integer> kept = new HashMap<>();
        for (LogRecord r : PartitionRecords.all(log, new TopicPartition("cc", 0))) {
          kept.merge(r.keyAsString(), 1, Integer::sum);
        }
        if (!kept.keySet().equals(newest.keySet()) || kept.values().stream().anyMatch(n -> n > 1)) {
          found.add("a full pass did not leave one record per key: " + kept);
        }
      }
      if (operation == Operation.PROJECTION && log.eventStore().projections().get(0).lag() != 0) {
        found.add("the projection did not catch up: " + log.eventStore().projections());
      }
      return found;
    }
  }

  /** The atomic lists a topic acknowledged: tag to {first offset, count}. */
  private static Map<String, long[]> acked(List<String> lines, String topic) {
    Map<String, long[]> lists = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f[0].equals("ACK") && f[1].equals(topic)) {
        lists.put(f[2], new long[] {Long.parseLong(f[3]), Long.parseLong(f[4])});
      }
    }
    return lists;
  }

  /** Compaction's keys ({@code k(i % 50)}, see ChildAimedKill) to their newest acked offset. */
  private static Map<String, Long> newestOfKeys(Map<String, long[]> lists) {
    Map<String, Long> newest = new HashMap<>();
    lists
        .values()
        .forEach(
            l -> {
              for (int i = 0; i < l[1]; i++) {
                newest.merge("k" + (i % 50), l[0] + i, Math::max);
              }
            });
    return newest;
  }

  private static List<String> checkRecords(Operation operation, OneLog log, List<String> lines) {
    String topic =
        switch (operation) {
          case CHECKPOINT -> "cp";
          case RETENTION -> "rt";
          default -> "cc";
        };
    TopicPartition partition = new TopicPartition(topic, 0);
    Map<String, long[]> lists = acked(lines, topic);
    List<String> found = new ArrayList<>();
    Map<String, List<long[]>> kept = new HashMap<>(); // tag to {i, offset}
    List<LogRecord> records = PartitionRecords.all(log, partition);
    for (LogRecord r : records) {
      String value = r.valueAsString().trim();
      int dot = value.lastIndexOf('.');
      String tag = value.substring(0, dot);
      int i = Integer.parseInt(value.substring(dot + 1));
      kept.computeIfAbsent(tag, t -> new ArrayList<>()).add(new long[] {i, r.offset()});
      long[] list = lists.get(tag);
      if (list != null && r.offset() != list[0] + i) {
        found.add(value + " is at offset " + r.offset() + ", acknowledged at " + (list[0] + i));
      }
      if (operation == Operation.COMPACTION && !("k" + (i % 50)).equals(r.keyAsString())) {
        found.add(value + " has key " + r.keyAsString());
      }
    }
    kept.forEach(
        (tag, at) -> {
          for (int j = 1; j < at.size(); j++) {
            if (at.get(j)[1] - at.get(j - 1)[1] != at.get(j)[0] - at.get(j - 1)[0]) {
              found.add("list " + tag + " is not where it was written: " + at.size() + " kept");
              break;
            }
          }
        });
    long earliest = log.earliestOffset(partition);
    switch (operation) {
      case CHECKPOINT ->
          kept.forEach(
              (tag, at) -> {
                if (at.size() != 1000) {
                  found.add("list " + tag + " kept " + at.size() + " of its 1000 records");
                }
              });
      case RETENTION -> {
        long next = log.nextOffset(partition);
        if (records.size() != next - earliest
            || (!records.isEmpty() && records.get(0).offset() != earliest)) {
          found.add(records.size() + " records kept between " + earliest + " and " + next);
        }
      }
      default -> {}
    }
    Map<String, Long> newestKept = new HashMap<>();
    records.forEach(r -> newestKept.merge(r.keyAsString(), r.offset(), Math::max));
    lists.forEach(
        (tag, list) -> {
          for (int i = 0; i < list[1]; i++) {
            long offset = list[0] + i;
            boolean gone =
                switch (operation) {
                  case RETENTION -> offset < earliest;
                  case COMPACTION -> newestKept.getOrDefault("k" + (i % 50), -1L) > offset;
                  default -> false;
                };
            List<long[]> at = kept.get(tag);
            boolean there = at != null && at.stream().anyMatch(a -> a[1] == offset);
            if (!there && !gone) {
              found.add("acknowledged " + tag + "." + i + " at offset " + offset + " is lost");
              return;
            }
          }
        });
    if (operation == Operation.COMPACTION) {
      newestOfKeys(lists)
          .forEach(
              (key, offset) -> {
                if (newestKept.getOrDefault(key, -1L) < offset) {
                  found.add("key " + key + "'s newest record, offset " + offset + ", is lost");
                }
              });
    }
    return found;
  }

  /**
   * The committed offsets are the last acknowledged commit's (or a commit in flight at the kill),
   * and a new member of the group takes every partition and starts from them.
   */
  private static List<String> checkGroup(OneLog log, List<String> lines) {
    Map<Integer, Long> acked = new HashMap<>();
    Map<Integer, Long> inFlight = new HashMap<>();
    for (String line : lines) {
      if (line.startsWith("COMMIT ")) {
        inFlight.putAll(offsets(line.substring("COMMIT ".length())));
      } else if (line.startsWith("ACK commit ")) {
        acked.putAll(offsets(line.substring("ACK commit ".length())));
        inFlight.clear();
      }
    }
    List<String> found = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> committed = log.groups().committed(ChildAimedKill.GROUP);
    for (int p = 0; p < 4; p++) {
      OffsetAndMetadata at = committed.get(new TopicPartition("g", p));
      Long offset = at == null ? null : at.offset();
      if (!Objects.equals(offset, acked.get(p)) && !Objects.equals(offset, inFlight.get(p))) {
        found.add(
            "partition "
                + p
                + " committed "
                + offset
                + ", acknowledged "
                + acked.get(p)
                + ", in flight "
                + inFlight.get(p));
      }
    }
    try (GroupConsumer member =
        log.groups()
            .consumer(ChildAimedKill.GROUP)
            .topics("g")
            .sessionTimeout(ChildAimedKill.SESSION)
            .heartbeatInterval(Duration.ofMillis(200))
            .noAutoCommit()
            .open()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (member.assignment().size() < 4 && System.nanoTime() < deadline) {
        member.poll(Duration.ofMillis(50));
      }
      if (member.assignment().size() < 4) {
        found.add("a new member got only " + member.assignment() + " within 30 s");
      }
      for (TopicPartition p : member.assignment()) {
        OffsetAndMetadata at = committed.get(p);
        if (at != null && member.position(p) != at.offset()) {
          found.add(p + ": a new member starts at " + member.position(p) + ", committed " + at);
        }
      }
    }
    return found;
  }

  private static Map<Integer, Long> offsets(String text) {
    Map<Integer, Long> offsets = new HashMap<>();
    for (String pair : text.split(",")) {
      String[] f = pair.split("=");
      offsets.put(Integer.parseInt(f[0]), Long.parseLong(f[1]));
    }
    return offsets;
  }

  /**
   * Exactly one row per event below the projection's checkpoint and none above it; every
   * acknowledged event is in its stream.
   */
  private static List<String> checkProjection(OneLog log, List<String> lines) {
    List<String> found = new ArrayList<>();
    ProjectionStatus status =
        log.eventStore().projections().stream()
            .filter(s -> s.name().equals(ChildAimedKill.PROJECTION_NAME))
            .findFirst()
            .orElseThrow();
    if (status.state() == ProjectionState.FAILED) {
      found.add("the projection failed: " + status);
    }
    List<String> expected = new ArrayList<>();
    Map<String, Long> perStream = new HashMap<>();
    long from = 0;
    while (true) {
      EventPage page = log.eventStore().readAll(from, 10_000, EventFilter.ALL);
      for (RecordedEvent e : page.events()) {
        if (e.position() < status.checkpoint()) {
          expected.add(e.position() + ":" + new String(e.data(), StandardCharsets.UTF_8));
        }
        perStream.merge(e.streamId(), 1L, Long::sum);
      }
      if (page.endOfLog() || page.events().isEmpty()) {
        break;
      }
      from = page.nextPosition();
    }
    List<String> rows =
        log.transactionResult(
            tx ->
                tx.query(
                    "SELECT position || ':' || value FROM aimed_rows ORDER BY position, rowid",
                    r -> r.getString(1)));
    if (!rows.equals(expected)) {
      found.add(
          "rows are not one per event below checkpoint "
              + status.checkpoint()
              + ": "
              + rows.size()
              + " rows, "
              + expected.size()
              + " events");
    }
    Map<String, Long> acked = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f[0].equals("ACK") && f[1].equals("events")) {
        acked.merge(f[2], Long.parseLong(f[3]), Long::sum);
      }
    }
    acked.forEach(
        (stream, count) -> {
          if (perStream.getOrDefault(stream, 0L) < count) {
            found.add(stream + " holds " + perStream.get(stream) + " of " + count + " events");
          }
        });
    return found;
  }
}
