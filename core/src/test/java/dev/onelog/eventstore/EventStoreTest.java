package dev.onelog.eventstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogFixture;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ReadLimit;
import dev.onelog.TopicPartition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventStoreTest {
  @RegisterExtension final LogFixture fixture = new LogFixture();

  private static EventData event(String type, String data) {
    return EventData.of(type, data.getBytes(UTF_8));
  }

  @Test
  void appendsGiveVersionsAndDensePositions() {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    AppendResult first =
        store.append("order-1", ExpectedVersion.noStream(), List.of(event("Placed", "a")));
    AppendResult second =
        store.append(
            "order-1",
            ExpectedVersion.exactly(0),
            List.of(event("Paid", "b"), event("Shipped", "c")));
    AppendResult other = store.append("order-2", ExpectedVersion.any(), List.of(event("X", "d")));
    assertEquals(0, first.version());
    assertEquals(List.of(0L), first.positions());
    assertEquals(2, second.version());
    assertEquals(List.of(1L, 2L), second.positions());
    assertEquals(List.of(3L), other.positions());
    assertEquals(2, store.streamVersion("order-1"));
    assertEquals(-1, store.streamVersion("nope"));
    assertTrue(store.streamExists("order-2"));
    assertEquals(4, store.endPosition());

    List<RecordedEvent> read = store.readStream("order-1", 0, 10);
    assertEquals(
        List.of("Placed", "Paid", "Shipped"), read.stream().map(RecordedEvent::type).toList());
    assertEquals("b", new String(read.get(1).data(), UTF_8));
    assertEquals(
        List.of(2L, 1L),
        store.readStreamBackward("order-1", 2, 2).stream().map(RecordedEvent::version).toList());
    assertEquals(
        List.of(1L),
        store.readStream("order-1", 1, 1).stream().map(RecordedEvent::version).toList());
  }

  @Test
  void conflictThrowsTypedExceptionAndAppendsNothing() {
    EventStore store = fixture.open().eventStore();
    store.append("s", ExpectedVersion.noStream(), List.of(event("A", "1")));
    AppendConflictException e =
        assertThrows(
            AppendConflictException.class,
            () -> store.append("s", ExpectedVersion.exactly(5), List.of(event("B", "2"))));
    assertEquals("s", e.streamId());
    assertEquals(ExpectedVersion.exactly(5), e.expected());
    assertEquals(0, e.actualVersion());
    assertTrue(e.getMessage().contains("is at version 0"), e.getMessage());
    assertThrows(
        AppendConflictException.class,
        () -> store.append("s", ExpectedVersion.noStream(), List.of(event("B", "2"))));
    assertThrows(
        AppendConflictException.class,
        () -> store.append("t", ExpectedVersion.streamExists(), List.of(event("B", "2"))));
    assertEquals(1, store.endPosition());
    assertEquals(0, store.streamVersion("s"));
  }

  @Test
  void retryWithSameIdsReturnsSameResultAndIdElsewhereIsAnError() {
    EventStore store = fixture.open().eventStore();
    List<EventData> events = List.of(event("A", "1"), event("B", "2"));
    AppendResult first = store.append("s", ExpectedVersion.noStream(), events);
    AppendResult again = store.append("s", ExpectedVersion.noStream(), events);
    assertEquals(first.positions(), again.positions());
    assertEquals(first.version(), again.version());
    assertTrue(again.retried());
    assertEquals(2, store.endPosition());
    DuplicateEventIdException e =
        assertThrows(
            DuplicateEventIdException.class,
            () -> store.append("other", ExpectedVersion.any(), List.of(events.get(0))));
    assertEquals(events.get(0).id(), e.eventId());
    assertEquals("s", e.storedStreamId());
    assertEquals(2, store.endPosition());
  }

  @Test
  void multiStreamAppendIsAtomic() {
    EventStore store = fixture.open().eventStore();
    store.append("a", ExpectedVersion.noStream(), List.of(event("A", "1")));
    assertThrows(
        AppendConflictException.class,
        () ->
            store.append(
                List.of(
                    StreamAppend.of("b", ExpectedVersion.noStream(), event("B", "1")),
                    StreamAppend.of("a", ExpectedVersion.noStream(), event("A", "2")))));
    assertFalse(store.streamExists("b"));
    List<AppendResult> results =
        store.append(
            List.of(
                StreamAppend.of("b", ExpectedVersion.noStream(), event("B", "1")),
                StreamAppend.of("a", ExpectedVersion.exactly(0), event("A", "2"))));
    assertEquals(List.of(1L), results.get(0).positions());
    assertEquals(List.of(2L), results.get(1).positions());
  }

  @Test
  void conditionalAppendChecksTypesTagsAndPrefixes() {
    EventStore store = fixture.open().eventStore();
    store.append(
        "course-1",
        ExpectedVersion.any(),
        List.of(event("CourseDefined", "c").withTags("course:1")));
    store.append(
        "student-9",
        ExpectedVersion.any(),
        List.of(event("Subscribed", "s").withTags("course:1", "student:9")));
    long seen = store.endPosition() - 1; // 1
    AppendCondition byTag = AppendCondition.noneAfter(EventQuery.tags("course:1"), seen);
    store.append(
        byTag,
        List.of(
            StreamAppend.of(
                "student-8",
                ExpectedVersion.any(),
                event("Subscribed", "t").withTags("course:1", "student:8"))));
    AppendConflictException e =
        assertThrows(
            AppendConflictException.class,
            () ->
                store.append(
                    byTag,
                    List.of(
                        StreamAppend.of("x", ExpectedVersion.any(), event("Subscribed", "u")))));
    assertEquals(2, e.conflictPosition());
    assertTrue(e.getMessage().contains("tags [course:1]"), e.getMessage());
    AppendConflictException byType =
        assertThrows(
            AppendConflictException.class,
            () ->
                store.append(
                    AppendCondition.noneAfter(EventQuery.types("CourseDefined", "Subscribed"), 0),
                    List.of(StreamAppend.of("x", ExpectedVersion.any(), event("A", "u")))));
    assertEquals(1, byType.conflictPosition());
    AppendConflictException byPrefix =
        assertThrows(
            AppendConflictException.class,
            () ->
                store.append(
                    AppendCondition.noneAfter(EventQuery.streamPrefix("student-"), 1),
                    List.of(StreamAppend.of("x", ExpectedVersion.any(), event("A", "u")))));
    assertEquals(2, byPrefix.conflictPosition());
    // Tag AND type: no CourseDefined with course:1 after position 0.
    store.append(
        AppendCondition.noneAfter(
            EventQuery.of(java.util.Set.of("CourseDefined"), java.util.Set.of("course:1"), null),
            0),
        List.of(StreamAppend.of("x", ExpectedVersion.any(), event("A", "u"))));
    assertFalse(store.streamExists("nothing"));
  }

  @Test
  void versionsInsideRunsOfOneTypeReadAndConditionLikeSingleEvents() {
    EventStore store = fixture.open().eventStore();
    store.append("other", ExpectedVersion.any(), List.of(event("B", "x"))); // position 0
    // Runs: A at versions 0-2 (positions 1-3), B at 3 (4), A at 4-5 (5-6); then single events.
    store.append(
        "s",
        ExpectedVersion.noStream(),
        List.of(
            event("A", "0"),
            event("A", "1"),
            event("A", "2"),
            event("B", "3"),
            event("A", "4"),
            event("A", "5")));
    store.append("other", ExpectedVersion.any(), List.of(event("A", "y"))); // position 7
    store.append("s", ExpectedVersion.exactly(5), List.of(event("C", "6"))); // position 8
    long[] positions = {1, 2, 3, 4, 5, 6, 8};
    for (int from = 0; from <= 7; from++) {
      List<RecordedEvent> forward = store.readStream("s", from, 3);
      assertEquals(Math.min(3, 7 - from), forward.size(), "from " + from);
      for (int i = 0; i < forward.size(); i++) {
        assertEquals(from + i, forward.get(i).version());
        assertEquals(positions[from + i], forward.get(i).position());
        assertEquals(String.valueOf(from + i), new String(forward.get(i).data(), UTF_8));
      }
      List<RecordedEvent> backward = store.readStreamBackward("s", Math.min(from, 6), 4);
      assertEquals(Math.min(4, Math.min(from, 6) + 1), backward.size(), "back from " + from);
      for (int i = 0; i < backward.size(); i++) {
        assertEquals(Math.min(from, 6) - i, backward.get(i).version());
        assertEquals(positions[(int) backward.get(i).version()], backward.get(i).position());
      }
    }
    store.truncateStreamBefore("s", 2);
    assertEquals(1, store.readStreamBackward("s", 2, 5).size());
    assertEquals(2, store.readStream("s", 0, 1).get(0).version());
    // A condition after a position inside a run of A conflicts at the next position of the run.
    for (long after = 0; after <= 8; after++) {
      long firstA = after < 3 ? after + 1 : after < 6 ? Math.max(after + 1, 5) : after < 7 ? 7 : -1;
      long firstAinS = after < 3 ? after + 1 : after < 6 ? Math.max(after + 1, 5) : -1;
      assertEquals(firstA, conflictOf(store, EventQuery.types("A"), after), "A after " + after);
      assertEquals(
          firstAinS,
          conflictOf(store, EventQuery.of(java.util.Set.of("A"), java.util.Set.of(), "s"), after),
          "A in s after " + after);
      long firstInS = after < 6 ? after + 1 : after < 8 ? 8 : -1;
      assertEquals(firstInS, conflictOf(store, EventQuery.streamPrefix("s"), after), "s " + after);
    }
  }

  /** The conflict position of a conditional append to a fresh stream; -1 when it was stored. */
  private static long conflictOf(EventStore store, EventQuery query, long after) {
    try {
      store.append(
          AppendCondition.noneAfter(query, after),
          List.of(
              StreamAppend.of(
                  "probe-" + UUID.randomUUID(), ExpectedVersion.any(), event("Z", "z"))));
      return -1;
    } catch (AppendConflictException e) {
      return e.conflictPosition();
    }
  }

  @Test
  void conditionSeesAppendsOfTheSameCommit() throws Exception {
    EventStore store = fixture.open().eventStore();
    store.append("seed", ExpectedVersion.any(), List.of(event("Seed", "0")));
    AppendCondition condition = AppendCondition.noneAfter(EventQuery.types("Reserved"), 0);
    var futures =
        new java.util.ArrayList<java.util.concurrent.CompletableFuture<List<AppendResult>>>();
    for (int i = 0; i < 20; i++) {
      futures.add(
          store.appendAsync(
              condition,
              List.of(
                  StreamAppend.of("seat-" + i, ExpectedVersion.any(), event("Reserved", "r")))));
    }
    int ok = 0;
    for (var f : futures) {
      try {
        f.join();
        ok++;
      } catch (java.util.concurrent.CompletionException e) {
        assertTrue(e.getCause() instanceof AppendConflictException, e.toString());
      }
    }
    assertEquals(1, ok);
  }

  @Test
  void softDeleteHidesAndNoStreamRestartsAtNextVersion() {
    EventStore store = fixture.open().eventStore();
    store.append("s", ExpectedVersion.any(), List.of(event("A", "1"), event("B", "2")));
    store.deleteStream("s", ExpectedVersion.exactly(1));
    assertFalse(store.streamExists("s"));
    assertEquals(List.of(), store.readStream("s", 0, 10));
    assertTrue(store.describeStream("s").get().deleted());
    AppendResult restarted =
        store.append("s", ExpectedVersion.noStream(), List.of(event("C", "3")));
    assertEquals(2, restarted.version());
    assertEquals(
        List.of(2L), store.readStream("s", 0, 10).stream().map(RecordedEvent::version).toList());
  }

  @Test
  void truncateBeforeHidesEarlierEvents() {
    EventStore store = fixture.open().eventStore();
    store.append(
        "s", ExpectedVersion.any(), List.of(event("A", "1"), event("B", "2"), event("C", "3")));
    store.truncateStreamBefore("s", 2);
    assertEquals(
        List.of(2L), store.readStream("s", 0, 10).stream().map(RecordedEvent::version).toList());
    assertEquals(
        List.of(2L),
        store.readStreamBackward("s", 5, 10).stream().map(RecordedEvent::version).toList());
    assertThrows(IllegalArgumentException.class, () -> store.truncateStreamBefore("s", 9));
  }

  @Test
  void readAllFiltersAndTheTopicReadsAsAnOrdinaryTopic() {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    EventData tagged = event("A", "1").withTags("t1").withMetadata("corr".getBytes(UTF_8));
    store.append("x-1", ExpectedVersion.any(), List.of(tagged, event("B", "2")));
    store.append("y-1", ExpectedVersion.any(), List.of(event("A", "3")));
    EventPage page = store.readAll(0, 10, EventFilter.types("A"));
    assertEquals(List.of(0L, 2L), page.events().stream().map(RecordedEvent::position).toList());
    assertEquals(3, page.nextPosition());
    assertEquals(
        List.of(0L, 1L),
        store.readAll(0, 10, EventFilter.streamPrefix("x-")).events().stream()
            .map(RecordedEvent::position)
            .toList());
    EventPage two = store.readAll(0, 2, EventFilter.ALL);
    assertEquals(2, two.nextPosition());
    RecordedEvent first = two.events().get(0);
    assertEquals(tagged.id(), first.id());
    assertEquals(java.util.Set.of("t1"), first.tags());
    assertEquals("corr", new String(first.metadata(), UTF_8));

    List<LogRecord> records = log.read(new TopicPartition("__eventstore", 0), 0, ReadLimit.DEFAULT);
    assertEquals("x-1", records.get(0).keyAsString());
    assertEquals("A", records.get(0).headers().get(0).valueAsString());
    assertEquals("1", records.get(1).headers().get(1).valueAsString());
  }

  @Test
  void subscriptionCatchesUpThenIsWokenByAnAppend() throws Exception {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    store.append("s", ExpectedVersion.any(), List.of(event("A", "1")));
    try (EventSubscription all = store.subscribeToAll(0, EventFilter.ALL);
        EventSubscription one = store.subscribeToStream("t", 0)) {
      all.ignoreOtherProcesses();
      assertEquals(1, all.poll(Duration.ofSeconds(1)).size());
      var later =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                sleep(100);
                store.append("t", ExpectedVersion.any(), List.of(event("B", "2")));
              });
      long start = System.nanoTime();
      List<RecordedEvent> live = all.poll(Duration.ofSeconds(10));
      later.join();
      assertEquals("t", live.get(0).streamId());
      assertTrue(System.nanoTime() - start < 5_000_000_000L);
      assertEquals(
          List.of(0L),
          one.poll(Duration.ofSeconds(5)).stream().map(RecordedEvent::version).toList());
    }
  }

  @Test
  void snapshotLoadGivesLatestSnapshotAndEventsAfter() {
    EventStore store = fixture.open().eventStore();
    store.append(
        "agg", ExpectedVersion.any(), List.of(event("A", "1"), event("B", "2"), event("C", "3")));
    assertEquals(3, store.loadAggregate("agg").events().size());
    store.saveSnapshot("agg", 1, "state@1".getBytes(UTF_8));
    store.saveSnapshot("agg", 0, "older".getBytes(UTF_8));
    AggregateHistory history = store.loadAggregate("agg");
    assertEquals(1, history.snapshot().get().version());
    assertEquals("state@1", new String(history.snapshot().get().data(), UTF_8));
    assertEquals(List.of(2L), history.events().stream().map(RecordedEvent::version).toList());
    assertEquals(2, history.version());
    assertThrows(IllegalArgumentException.class, () -> store.saveSnapshot("agg", 7, new byte[0]));
  }

  @Test
  void appendInsideATransactionCommitsOrRollsBackWithIt() {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    log.transaction(tx -> tx.execute("CREATE TABLE seen (id TEXT)"));
    assertThrows(
        IllegalStateException.class,
        () ->
            log.transaction(
                tx -> {
                  store.append(
                      tx,
                      null,
                      List.of(StreamAppend.of("s", ExpectedVersion.any(), event("A", "1"))));
                  tx.execute("INSERT INTO seen VALUES ('x')");
                  throw new IllegalStateException("rolled back");
                }));
    assertEquals(0, store.endPosition());
    // The writer's memory of unindexed events forgets what the rolled-back body appended: the
    // stream is still absent to the next append, not at version 0.
    log.transaction(
        tx -> {
          store.append(
              tx, null, List.of(StreamAppend.of("s", ExpectedVersion.noStream(), event("A", "1"))));
          tx.execute("INSERT INTO seen VALUES ('x')");
        });
    assertEquals(1, store.endPosition());
    assertEquals(0, store.streamVersion("s"));
  }

  @Test
  void projectionWritesItsTableExactlyOnceAndRecordsAFailure() throws Exception {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    for (int i = 0; i < 10; i++) {
      store.append(
          "p-" + (i % 3), ExpectedVersion.any(), List.of(event(i == 7 ? "Bad" : "Good", "" + i)));
    }
    try (Projection projection =
        store
            .projection("counts")
            .table("counts", t -> "CREATE TABLE " + t + " (stream TEXT PRIMARY KEY, n INTEGER)")
            .handler(
                (e, tx) -> {
                  if (e.type().equals("Bad")) {
                    throw new IllegalStateException("cannot handle " + e.position());
                  }
                  tx.execute(
                      "INSERT INTO "
                          + tx.table("counts")
                          + " VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET n = n + 1",
                      e.streamId());
                })
            .start()) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (projection.isRunning() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      ProjectionStatus status = projection.status();
      assertEquals(ProjectionState.FAILED, status.state());
      assertEquals(7L, status.failedPosition());
      assertEquals(7, status.checkpoint());
      assertTrue(status.error().contains("cannot handle 7"), status.error());
      assertEquals(List.of(status), store.projections());
    }
    assertEquals(7, sum(log));
  }

  @Test
  void projectionRebuildReplacesItsTableWhenCaughtUp() throws Exception {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    for (int i = 0; i < 20; i++) {
      store.append("r-" + (i % 4), ExpectedVersion.any(), List.of(event("E", "" + i)));
    }
    try (Projection projection =
        store
            .projection("counts")
            .table("counts", t -> "CREATE TABLE " + t + " (stream TEXT PRIMARY KEY, n INTEGER)")
            .handler(
                (e, tx) ->
                    tx.execute(
                        "INSERT INTO "
                            + tx.table("counts")
                            + " VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET n = n + 1",
                        e.streamId()))
            .start()) {
      assertTrue(projection.awaitCheckpoint(20, Duration.ofSeconds(10)));
      assertEquals(20, sum(log));
      log.transaction(tx -> tx.execute("UPDATE counts SET n = 1000"));
      projection.rebuild();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (sum(log) != 20 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(20, sum(log), () -> String.valueOf(projection.failure()));
      assertTrue(projection.awaitCheckpoint(20, Duration.ofSeconds(10)));
      assertEquals(ProjectionState.ACTIVE, projection.status().state());
    }
  }

  @Test
  void tablesAnswerVersionAndProgressWithTheQueriesOfFormatSection14() throws Exception {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    store.append("order-7", ExpectedVersion.any(), List.of(event("A", "1"), event("B", "2")));
    store.append("order-8", ExpectedVersion.any(), List.of(event("A", "3")));
    try (Projection projection = store.projection("order-totals").handler((e, tx) -> {}).start()) {
      assertTrue(projection.awaitCheckpoint(3, Duration.ofSeconds(10)));
    }
    store.append("order-9", ExpectedVersion.any(), List.of(event("A", "4")));
    assertEquals(1, store.projections().get(0).lag());
    log.close(); // indexes every event: the tables of a closed file are complete
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + log.path());
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT CASE WHEN deleted THEN -1 ELSE version END FROM es_streams"
                  + " WHERE stream_id = 'order-7'")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getLong(1));
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT p.name, p.state, p.checkpoint, pt.next_offset - p.checkpoint AS lag, p.error"
                  + " FROM es_projections p, topics t JOIN partitions pt ON pt.topic_id = t.id"
                  + " WHERE t.name = '__eventstore' AND p.name = 'order-totals'")) {
        assertTrue(rs.next());
        assertEquals("active", rs.getString(2));
        assertEquals(3, rs.getLong(3));
        assertEquals(1, rs.getLong(4));
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT version, position, hex(event_id) FROM es_event_ids"
                  + " WHERE stream_id = 'order-7' ORDER BY version")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getLong(1));
        assertEquals(0, rs.getLong(2));
        assertEquals(32, rs.getString(3).length());
        assertTrue(rs.next());
        assertEquals(1, rs.getLong(2));
        assertFalse(rs.next());
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT version, count, position, type FROM es_events"
                  + " WHERE stream_id = 'order-7' ORDER BY version")) {
        assertTrue(rs.next());
        assertEquals("A", rs.getString(4));
        assertTrue(rs.next());
        assertEquals(1, rs.getLong(1));
        assertEquals(1, rs.getLong(2));
        assertEquals("B", rs.getString(4));
        assertFalse(rs.next());
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT i.indexed_position = p.next_offset FROM es_index i, topics t"
                  + " JOIN partitions p ON p.topic_id = t.id WHERE t.name = '__eventstore'")) {
        assertTrue(rs.next());
        assertTrue(rs.getBoolean(1));
      }
    }
  }

  @Test
  void eventsReadAtOnceAndTheIndexFollowsBehind() throws Exception {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    store.append("a-1", ExpectedVersion.noStream(), List.of(event("A", "1"), event("B", "2")));
    store.append("a-2", ExpectedVersion.noStream(), List.of(event("A", "3")));
    store.append("a-1", ExpectedVersion.exactly(1), List.of(event("A", "4")));
    // Whether or not the index has caught up, every read sees every committed event.
    assertEquals(List.of(0L, 1L, 2L), versions(store.readStream("a-1", 0, 10)));
    assertEquals(List.of(2L, 1L), versions(store.readStreamBackward("a-1", 2, 2)));
    assertEquals(2, store.describeStream("a-1").orElseThrow().version());
    assertEquals(
        List.of("a-1", "a-2"),
        store.listStreams("a-", null, 10).stream().map(StreamInfo::streamId).toList());
    // Deleting indexes first; a restart after it lives in the unindexed events.
    store.deleteStream("a-1", ExpectedVersion.exactly(2));
    assertEquals(-1, store.streamVersion("a-1"));
    store.append("a-1", ExpectedVersion.noStream(), List.of(event("A", "5")));
    assertEquals(List.of(3L), versions(store.readStream("a-1", 0, 10)));
    assertFalse(store.describeStream("a-1").orElseThrow().deleted());
    // The index catches up once appends pause.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (indexedPosition(log) < store.endPosition() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(store.endPosition(), indexedPosition(log));
    assertEquals(List.of(3L), versions(store.readStream("a-1", 0, 10)));
    assertEquals(3, store.describeStream("a-1").orElseThrow().version());
    assertFalse(store.describeStream("a-1").orElseThrow().deleted());
    AppendConflictException conflict =
        assertThrows(
            AppendConflictException.class,
            () -> store.append("a-1", ExpectedVersion.exactly(2), List.of(event("A", "6"))));
    assertEquals(3, conflict.actualVersion());
  }

  @Test
  void plainRecordsAreRefusedOnTheEventTopic() {
    OneLog log = fixture.open();
    EventStore store = log.eventStore();
    store.append("s", ExpectedVersion.noStream(), List.of(event("A", "1")));
    dev.onelog.InvalidRecordException e =
        assertThrows(
            dev.onelog.InvalidRecordException.class,
            () -> log.append(dev.onelog.ProducerRecord.of("__eventstore", "s", "x")));
    assertTrue(e.getMessage().contains("eventStore().append"), e.getMessage());
    assertEquals(1, store.endPosition());
  }

  private static long indexedPosition(OneLog log) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + log.path());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT indexed_position FROM es_index")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private static List<Long> versions(List<RecordedEvent> events) {
    return events.stream().map(RecordedEvent::version).toList();
  }

  @Test
  void callersSqlMayNotWriteTheEventStoresTables() {
    OneLog log = fixture.open();
    log.eventStore();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> log.transaction(tx -> tx.execute("UPDATE es_streams SET version = 9")));
    assertTrue(e.getMessage().contains("es_*"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> log.transaction(tx -> tx.execute("DROP TABLE es_events")));
  }

  @Test
  void badInputIsRefusedWithAClearMessage() {
    EventStore store = fixture.open().eventStore();
    assertThrows(IllegalArgumentException.class, () -> ExpectedVersion.exactly(-3));
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.append("s", ExpectedVersion.any(), List.of()));
    assertTrue(empty.getMessage().contains("no events"), empty.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> store.append(" ", ExpectedVersion.any(), List.of(event("A", "1"))));
    EventData same = event("A", "1");
    assertThrows(
        IllegalArgumentException.class,
        () -> store.append("s", ExpectedVersion.any(), List.of(same, same)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new EventData(UUID.randomUUID(), "", new byte[0], new byte[0], java.util.Set.of()));
  }

  private static long sum(OneLog log) {
    return log.transactionResult(
        tx -> tx.query("SELECT coalesce(sum(n), 0) FROM counts", r -> r.getLong(1)).get(0));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
