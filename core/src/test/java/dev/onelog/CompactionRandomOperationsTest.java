package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random appends, tombstones, deleteRecordsBefore, clock moves and compaction passes against
 * an in-memory model of a compacted partition: after each pass the partition holds exactly the
 * newest record of each key at or above the earliest offset, less the tombstones whose delete
 * retention passed; {@code latest} agrees with the model after every operation. The background
 * cleaner cannot compact (the compaction lag is a thousand days), so only {@code compact()} does.
 */
class CompactionRandomOperationsTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final Duration DELETE_RETENTION = Duration.ofMinutes(10);

  private record Rec(long offset, String key, String value) {}

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 101, 102})
  void compactionMatchesTheModel(long seed) {
    Random random = new Random(seed);
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    OneLog log = fixture.open(fixture.builder().clock(clock));
    log.createTopic(
        TopicSpec.named("t")
            .withCleanupPolicy(CleanupPolicy.COMPACT)
            .withDeleteRetention(DELETE_RETENTION)
            .withMinCompactionLag(Duration.ofDays(1000)));
    TreeMap<Long, Rec> stored = new TreeMap<>(); // what the partition may hold
    Map<String, Long> tombstoneCleanedAtMs = new HashMap<>();
    long logStart = 0;
    long next = 0;
    int keys = 1 + random.nextInt(30);
    for (int step = 0; step < 300; step++) {
      int op = random.nextInt(100);
      if (op < 60) {
        List<ProducerRecord> batch = new ArrayList<>();
        // Seeds above 100 append up to 30,000 records at once: passes then take several slices.
        int most =
            seed > 100 && random.nextInt(10) == 0 ? 30_000 : random.nextInt(10) == 0 ? 200 : 5;
        int n = 1 + random.nextInt(most);
        for (int i = 0; i < n; i++) {
          String key = "k" + random.nextInt(keys);
          String value = random.nextInt(8) == 0 ? null : "v" + step + "." + i;
          batch.add(ProducerRecord.of("t", bytes(key), bytes(value)));
          stored.put(next, new Rec(next, key, value));
          tombstoneCleanedAtMs.remove(key);
          next++;
        }
        log.append(batch);
      } else if (op < 75) {
        long nowMs = clock.millis();
        log.compact();
        // The model's pass: the newest record of each key survives; a tombstone survives until
        // its delete retention, counted from the pass that first kept it, has passed.
        Map<String, Rec> newest = new HashMap<>();
        for (Rec r : stored.values()) {
          newest.put(r.key, r);
        }
        stored.clear();
        for (Rec r : newest.values()) {
          if (r.value == null) {
            long cleanedAt = tombstoneCleanedAtMs.computeIfAbsent(r.key, k -> nowMs);
            if (nowMs >= cleanedAt + DELETE_RETENTION.toMillis()) {
              continue;
            }
          }
          stored.put(r.offset, r);
        }
        assertEquals(List.copyOf(stored.values()), read(log), "seed " + seed + " step " + step);
      } else if (op < 85) {
        clock.advance(Duration.ofMinutes(random.nextInt(8)));
      } else if (op < 90 && next > logStart) {
        long offset = logStart + random.nextLong(next - logStart + 1);
        assertEquals(offset, log.deleteRecordsBefore(P0, offset));
        stored.headMap(offset).clear();
        logStart = offset;
      } else {
        String key = "k" + random.nextInt(keys);
        Optional<String> expected = Optional.empty();
        for (Rec r : stored.descendingMap().values()) {
          if (r.key.equals(key)) {
            expected = Optional.ofNullable(r.value);
            break;
          }
        }
        Optional<String> actual =
            log.latest("t", bytes(key)).map(r -> new String(r.value(), StandardCharsets.UTF_8));
        assertEquals(expected, actual, "seed " + seed + " step " + step + " latest " + key);
      }
    }
  }

  private static List<Rec> read(OneLog log) {
    List<Rec> out = new ArrayList<>();
    for (LogRecord r : log.read(P0, 0, ReadLimit.records(1_000_000))) {
      out.add(
          new Rec(
              r.offset(),
              new String(r.key(), StandardCharsets.UTF_8),
              r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
