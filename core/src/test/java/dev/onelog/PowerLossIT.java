package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated power-loss battery (docs/RELIABILITY.md). A child JVM ({@link ChildAckWriter})
 * creates a log and appends to it with {@code core/src/test/c/write_recorder.c} preloaded, which
 * logs every write, fsync, truncate and unlink of the log's files and of the file where the child
 * writes its acknowledgements. From that log, {@link RecordedWrites} builds the files a power loss
 * after a random operation could leave (fsynced data kept, later writes kept or lost sector by
 * sector), and each image is opened as onelog opens a file and checked: it opens, {@code verify}
 * finds nothing wrong, no record is there twice, the records kept are a prefix of those sent (no
 * later record surviving an earlier lost one), each where it was acknowledged, and in FSYNC every
 * acknowledged record is kept, in NORMAL every one acknowledged before the WAL's last fsync (the
 * documented window: the commits since then). Images are also cut after every operation of the very
 * first open. {@code -Donelog.images=N} images per mode (default 1,000; the large size is 20,000),
 * {@code -Donelog.seed=S} repeats a run.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class PowerLossIT {
  private static final int RECORDS = 3_000;

  @TempDir Path dir;

  @Test
  void fsyncLosesNothingAcknowledgedAndNeverCorrupts() throws Exception {
    battery(Durability.FSYNC);
  }

  @Test
  void normalNeverCorruptsAndLosesOnlyATail() throws Exception {
    battery(Durability.NORMAL);
  }

  private void battery(Durability mode) throws Exception {
    int images = Integer.getInteger("onelog.images", 1_000);
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    RecordedWrites writes = WriteRecorder.shared().run(dir, mode, RECORDS, Map.of()).writes();
    int firstAck = writes.firstOpOn("acks", 'W');
    assertTrue(firstAck > 0, "the child acknowledged nothing");
    List<Integer> cuts = new ArrayList<>();
    for (int cut = 0; cut <= firstAck; cut++) {
      cuts.add(cut); // every step of the very first open and the topic's creation
    }
    Random random = new Random(seed);
    for (int i = 0; i < images; i++) {
      cuts.add(random.nextInt(writes.size() + 1));
    }
    Stats stats = new Stats();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cuts.size(); i++) {
      int cut = cuts.get(i);
      String failure = check(writes, cut, new Random(seed * 31 + i), mode, stats);
      if (failure != null) {
        failures.add(
            "image " + i + " (cut after " + cut + " of " + writes.size() + "): " + failure);
      }
    }
    System.out.printf(
        "power loss, %s: %d operations recorded; %d images (%d in the first open), seed %d;"
            + " acknowledged records checked %d, lost %d, duplicated %d, corrupt %d, holes %d%n",
        mode,
        writes.size(),
        cuts.size(),
        firstAck + 1,
        seed,
        stats.acknowledged,
        stats.lostAcknowledged,
        stats.duplicated,
        stats.corrupt,
        stats.holes);
    System.out.printf("%d passed, %d failed%n", cuts.size() - failures.size(), failures.size());
    assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), "seed " + seed);
  }

  private static final class Stats {
    long acknowledged;
    long lostAcknowledged;
    long duplicated;
    long corrupt;
    long holes;
  }

  /** Builds and checks one image; returns what is wrong with it, or null. */
  private String check(RecordedWrites writes, int cut, Random random, Durability mode, Stats stats)
      throws IOException {
    Path image = Files.createDirectories(dir.resolve("image"));
    try {
      for (Map.Entry<String, byte[]> file : writes.imageAfter(cut, random).entrySet()) {
        String name = Path.of(file.getKey()).getFileName().toString();
        if (name.startsWith("log.db") && !name.endsWith("-shm")) {
          Files.write(image.resolve(name), file.getValue());
        }
      }
      // A line cut short by the power loss was never read by anyone: only complete ones count,
      // each with the operation that wrote it.
      Map<String, long[]> acked = new HashMap<>();
      for (Map.Entry<String, Integer> line : writes.lines("acks", cut)) {
        String[] fields = line.getKey().split(" ");
        acked.put(
            fields[0],
            new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2]), line.getValue()});
      }
      int walSynced = writes.lastSync("-wal", cut);
      stats.acknowledged += acked.size();
      Map<String, List<long[]>> kept;
      VerifyReport report;
      try (OneLog log = OneLog.builder(image.resolve("log.db")).durability(mode).open()) {
        kept = TopicContents.byValue(log, "k");
        String twice = TopicContents.firstDuplicate(kept);
        if (twice != null) {
          stats.duplicated++;
          return twice + " is in the log twice";
        }
        report = log.verify();
      } catch (RuntimeException e) {
        stats.corrupt++;
        return "opening or reading it failed: " + e;
      }
      if (!report.ok()) {
        stats.corrupt++;
        return "verify: " + report.problems();
      }
      TreeSet<Long> sequence = new TreeSet<>();
      kept.keySet().forEach(value -> sequence.add(Long.parseLong(value.substring(1))));
      if (!sequence.isEmpty() && sequence.last() != sequence.size() - 1) {
        stats.holes++;
        return "kept " + sequence.size() + " records but the last is r" + sequence.last();
      }
      for (Map.Entry<String, long[]> ack : acked.entrySet()) {
        long[] at = kept.containsKey(ack.getKey()) ? kept.get(ack.getKey()).get(0) : null;
        if (at == null) {
          stats.lostAcknowledged++;
          if (mode == Durability.FSYNC) {
            return "acknowledged " + ack.getKey() + " is lost";
          }
          if (ack.getValue()[2] < walSynced) {
            // NORMAL's window: commits since the WAL's last fsync (a checkpoint fsyncs it first).
            return "acknowledged " + ack.getKey() + " is lost though the WAL was fsynced after";
          }
        } else if (at[0] != ack.getValue()[0] || at[1] != ack.getValue()[1]) {
          return ack.getKey()
              + " is at "
              + at[0]
              + "/"
              + at[1]
              + ", acknowledged at "
              + ack.getValue()[0]
              + "/"
              + ack.getValue()[1];
        }
      }
      return null;
    } finally {
      try (var files = Files.list(image)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
