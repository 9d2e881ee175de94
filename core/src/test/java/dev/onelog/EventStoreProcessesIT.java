package dev.onelog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.EventPage;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import dev.onelog.eventstore.ProjectionState;
import dev.onelog.eventstore.ProjectionStatus;
import dev.onelog.eventstore.RecordedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event store across real processes ({@link ChildEventWriter}): two child JVMs with several
 * threads each append to one stream with expected versions, and conditionally across streams; and a
 * projection process killed with kill -9 at random moments until it catches up. Seeded: {@code
 * -Donelog.seed=S}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EventStoreProcessesIT {
  private static final int THREADS = 3;
  private static final int COUNT = 40;
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void everyVersionIsTakenExactlyOnceAcrossProcesses() throws Exception {
    Path file = dir.resolve("es.db");
    try (OneLog log = OneLog.open(file)) {
      log.eventStore(); // set up once, so the children race on appends, not on setup
    }
    runTwo(file, "append");
    try (OneLog log = OneLog.open(file)) {
      EventStore store = log.eventStore();
      int total = 2 * THREADS * COUNT;
      List<RecordedEvent> events = store.readStream("shared", 0, total + 10);
      assertEquals(total, events.size());
      Set<String> data = new HashSet<>();
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i, events.get(i).version());
        assertEquals(i, events.get(i).position(), "positions are dense in one stream here");
        assertTrue(
            data.add(new String(events.get(i).data(), UTF_8)), "duplicated " + events.get(i));
      }
      assertEquals(total - 1, store.streamVersion("shared"));
      assertEquals(total, store.endPosition());
    }
    LogInvariants.check(file);
  }

  @Test
  void conditionalAppendsAcrossStreamsFormOneChain() throws Exception {
    Path file = dir.resolve("es.db");
    try (OneLog log = OneLog.open(file)) {
      log.eventStore();
    }
    runTwo(file, "conditional");
    try (OneLog log = OneLog.open(file)) {
      EventStore store = log.eventStore();
      EventPage page = store.readAll(0, 100_000, EventFilter.types("Slot"));
      assertEquals(2 * THREADS * COUNT, page.events().size());
      long previous = -1;
      for (RecordedEvent event : page.events()) {
        // each was appended only if no Slot came after the one it read: the one just before
        assertEquals(previous, Long.parseLong(new String(event.data(), UTF_8)), event.toString());
        previous = event.position();
      }
    }
    LogInvariants.check(file);
  }

  @Test
  void projectionKilledAtRandomMomentsEndsEqualToOneCleanPass() throws Exception {
    long seed = Long.getLong("onelog.seed", System.nanoTime());
    int kills = Integer.getInteger("onelog.kills", 12);
    System.out.println("EventStoreProcessesIT seed " + seed);
    Random random = new Random(seed);
    Path file = dir.resolve("es.db");
    int events = 3000;
    try (OneLog log = OneLog.open(file)) {
      EventStore store = log.eventStore();
      for (int i = 0; i < events; i += 100) {
        List<EventData> batch = new ArrayList<>();
        for (int j = 0; j < 100; j++) {
          batch.add(EventData.of("E", new byte[] {(byte) j}));
        }
        store.append("p-" + random.nextInt(20), ExpectedVersion.any(), batch);
      }
    }
    for (int k = 0; k < kills; k++) {
      try (ChildJvm child =
          ChildJvm.start(
              "projection", ChildEventWriter.class, List.of("project", file.toString()))) {
        child.awaitLine("open", WAIT);
        Thread.sleep(random.nextInt(150));
        child.kill();
      }
    }
    try (ChildJvm child =
        ChildJvm.start("projection", ChildEventWriter.class, List.of("project", file.toString()))) {
      child.awaitLine("caught-up", WAIT);
      child.awaitSuccess(WAIT);
    }
    try (OneLog log = OneLog.open(file)) {
      ProjectionStatus status = log.eventStore().projections().get(0);
      assertEquals(ProjectionState.ACTIVE, status.state(), status.toString());
      assertEquals(events, status.checkpoint());
      List<String> rows =
          log.transactionResult(
              tx ->
                  tx.query(
                      "SELECT position || ':' || stream || ':' || version FROM proj_rows ORDER BY position",
                      r -> r.getString(1)));
      List<String> clean = new ArrayList<>();
      EventPage page = log.eventStore().readAll(0, events, EventFilter.ALL);
      for (RecordedEvent e : page.events()) {
        clean.add(e.position() + ":" + e.streamId() + ":" + e.version());
      }
      assertEquals(clean, rows);
    }
    LogInvariants.check(file);
  }

  private void runTwo(Path file, String mode) throws Exception {
    try (ChildJvm a =
            ChildJvm.start(
                "a",
                ChildEventWriter.class,
                List.of(mode, file.toString(), "a", "" + THREADS, "" + COUNT));
        ChildJvm b =
            ChildJvm.start(
                "b",
                ChildEventWriter.class,
                List.of(mode, file.toString(), "b", "" + THREADS, "" + COUNT))) {
      a.awaitSuccess(WAIT);
      b.awaitSuccess(WAIT);
    }
  }
}
