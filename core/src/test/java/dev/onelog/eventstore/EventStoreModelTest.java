package dev.onelog.eventstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogFixture;
import dev.onelog.OneLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded random sequence of appends (exact, any, no-stream and wrong expected versions, retries
 * with the same ids), deletes, truncations, reads forward and backward, pauses that let the index
 * catch up and reopenings that index everything, against an in-memory model of the streams. The
 * index follows the appends, so reads and expected versions cross the line between indexed and
 * unindexed events again and again; every answer must be the model's.
 */
class EventStoreModelTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  /** A stream as the model knows it: every event ever appended, and what reads show. */
  private static final class Stream {
    final List<UUID> ids = new ArrayList<>(); // by version
    long truncateBefore;
    boolean deleted;

    long version() {
      return ids.size() - 1;
    }

    long actual() {
      return deleted ? -1 : version();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void everyAnswerIsTheModels(long seed) throws Exception {
    Random random = new Random(seed);
    Map<String, Stream> model = new HashMap<>();
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    StreamAppend lastAppend = null;
    AppendResult lastResult = null;
    for (int op = 0; op < 400; op++) {
      String id = "s-" + random.nextInt(6);
      Stream stream = model.computeIfAbsent(id, k -> new Stream());
      int dice = random.nextInt(100);
      if (dice < 45) {
        int n = 1 + random.nextInt(3);
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          events.add(EventData.of(i % 2 == 0 ? "A" : "B", ("e" + op + "." + i).getBytes(UTF_8)));
        }
        ExpectedVersion expected;
        boolean wrong;
        switch (random.nextInt(3)) {
          case 0 -> {
            wrong = random.nextInt(8) == 0;
            long version = stream.actual() + (wrong ? 1 : 0);
            expected = version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version);
          }
          case 1 -> {
            wrong = false;
            expected = ExpectedVersion.any();
          }
          default -> {
            wrong = stream.actual() >= 0;
            expected = ExpectedVersion.noStream();
          }
        }
        if (wrong) {
          ExpectedVersion refused = expected;
          EventStore current = store;
          AppendConflictException e =
              assertThrows(
                  AppendConflictException.class, () -> current.append(id, refused, events));
          assertEquals(stream.actual(), e.actualVersion(), "seed " + seed + " op " + op);
          continue;
        }
        AppendResult result = store.append(id, expected, events);
        if (stream.deleted) {
          stream.deleted = false; // restarted after its last version
        }
        for (EventData event : events) {
          stream.ids.add(event.id());
        }
        assertEquals(stream.version(), result.version(), "seed " + seed + " op " + op);
        lastAppend = StreamAppend.of(id, expected, events.toArray(new EventData[0]));
        lastResult = result;
      } else if (dice < 50 && lastAppend != null) {
        StreamAppend retry = lastAppend;
        List<AppendResult> again = store.append(List.of(retry));
        assertTrue(again.get(0).retried(), "seed " + seed + " op " + op);
        assertEquals(lastResult.positions(), again.get(0).positions());
      } else if (dice < 55 && stream.actual() >= 0) {
        store.deleteStream(id, ExpectedVersion.exactly(stream.actual()));
        lastAppend = null; // a retry must expect what the stream now is
        stream.deleted = true;
        stream.truncateBefore = stream.version() + 1;
      } else if (dice < 60 && stream.actual() >= 0) {
        long before =
            stream.truncateBefore
                + random.nextInt((int) (stream.version() + 2 - stream.truncateBefore));
        store.truncateStreamBefore(id, before);
        lastAppend = null;
        stream.truncateBefore = Math.max(stream.truncateBefore, before);
      } else if (dice < 63) {
        Thread.sleep(250); // appends pause: the index catches up
      } else if (dice < 65) {
        log.close(); // indexes everything
        log = fixture.open();
        store = log.eventStore();
      } else {
        assertEquals(stream.actual(), store.streamVersion(id), "seed " + seed + " op " + op);
        List<UUID> visible = stream.deleted ? List.of() : visible(stream);
        assertEquals(visible, ids(store.readStream(id, 0, 1000)), "seed " + seed + " op " + op);
        if (!visible.isEmpty()) {
          long from = stream.truncateBefore + random.nextInt(visible.size());
          List<UUID> backward =
              new ArrayList<>(visible.subList(0, (int) (from - stream.truncateBefore) + 1));
          java.util.Collections.reverse(backward);
          assertEquals(
              backward.subList(0, Math.min(2, backward.size())),
              ids(store.readStreamBackward(id, from, 2)),
              "seed " + seed + " op " + op);
        }
      }
    }
    log.close();
  }

  private static List<UUID> visible(Stream stream) {
    return stream.ids.subList(
        (int) Math.min(stream.truncateBefore, stream.ids.size()), stream.ids.size());
  }

  private static List<UUID> ids(List<RecordedEvent> events) {
    return events.stream().map(RecordedEvent::id).toList();
  }
}
