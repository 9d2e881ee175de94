package dev.onelog.internal.eventstore;

import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.write.Maintenance;
import dev.onelog.internal.write.StepContext;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves appended events into the event store's index tables, behind the appends: a generation reads
 * up to {@link #GENERATION} unindexed events ({@link UnindexedEvents}), writes their rows of {@code
 * es_event_ids}, {@code es_events}, {@code es_event_tags} and {@code es_streams} each in key order,
 * and moves {@code es_index.indexed_position} past them, in one step of the group commit.
 *
 * <p>Why behind: written by each append, the rows of a stream land on a random page of {@code
 * es_events} and of {@code es_streams}, and every commit wrote a 16 KiB page of each for every
 * stream it touched (64 callers appending one event each: 1 MiB a commit). Written a generation at
 * a time in key order, each page is written once per generation.
 *
 * <p>A generation runs when {@link #GENERATION} events wait, when appends paused for {@link
 * #IDLE_NANOS}, and at most {@link #MAX_DELAY_NANOS} after an event was appended; the event store's
 * close indexes everything, so a closed file's tables are complete. Methods are called on the
 * writer thread.
 */
final class EventIndexer implements Maintenance {
  private static final Logger log = LoggerFactory.getLogger(EventIndexer.class);

  /** Events a generation indexes at most, and the backlog that starts one at once. */
  static final int GENERATION = 8_192;

  /** Appends pausing this long get their events indexed. */
  static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Events wait at most about this long for the index under a steady trickle of appends. */
  static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * How often the writer looks for events to index when it knows of none: another process may have
   * appended and died before indexing them.
   */
  private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Supplier<TopicMeta> topic;
  private final EventTail tail;

  private volatile long dueAtNanos = System.nanoTime();

  /** When the oldest unindexed event this process knows of was appended; 0 when none. */
  private long waitingSinceNanos;

  private boolean changedNothing;
  private String lastFailure;

  EventIndexer(Supplier<TopicMeta> topic, EventTail tail) {
    this.topic = topic;
    this.tail = tail;
  }

  @Override
  public long dueAtNanos() {
    return dueAtNanos;
  }

  /**
   * Told by the tail after appends, with the number of unindexed events: a full generation is due
   * at once; fewer wait until appends pause for {@link #IDLE_NANOS}, and at most {@link
   * #MAX_DELAY_NANOS} after the first of them.
   */
  void appended(int unindexed) {
    long now = System.nanoTime();
    if (unindexed >= GENERATION) {
      dueAtNanos = now;
      return;
    }
    if (waitingSinceNanos == 0) {
      waitingSinceNanos = now;
    }
    dueAtNanos = Math.min(now + IDLE_NANOS, waitingSinceNanos + MAX_DELAY_NANOS);
  }

  @Override
  public void run(StepContext tx) throws SQLException {
    long end = tail.sync(tx, topic.get());
    long indexed = tail.indexedPosition();
    long reached = generation(tx, GENERATION);
    changedNothing = reached == indexed;
    long now = System.nanoTime();
    long left = end - reached;
    waitingSinceNanos = left > 0 ? now : 0;
    dueAtNanos = left >= GENERATION ? now : left > 0 ? now + IDLE_NANOS : now + CHECK_NANOS;
  }

  @Override
  public boolean changedNothing() {
    return changedNothing;
  }

  /** The index tables are built from the topic's records, so a lost generation is built again. */
  @Override
  public boolean redoable() {
    return true;
  }

  @Override
  public void committed() {
    lastFailure = null;
  }

  @Override
  public void failed(RuntimeException cause) {
    dueAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    if (!String.valueOf(cause.getMessage()).equals(lastFailure)) {
      lastFailure = String.valueOf(cause.getMessage());
      log.warn("indexing the event store failed; retrying in a second", cause);
    }
  }

  /** Indexes every unindexed event, a generation at a time, in the caller's step. */
  void indexAll(StepContext tx) throws SQLException {
    tail.sync(tx, topic.get());
    while (tail.size() > 0) {
      generation(tx, GENERATION);
    }
  }

  /**
   * Indexes the first {@code max} unindexed events, as the tail (synced in this transaction) holds
   * them.
   *
   * @return the new indexed position
   */
  private long generation(StepContext tx, int max) throws SQLException {
    long from = tail.indexedPosition();
    List<EventTail.Entry> unindexed = tail.events();
    if (unindexed.isEmpty()) {
      return from;
    }
    if (unindexed.get(0).position() != from) {
      throw new IllegalStateException(
          "the event store's unindexed events start at position "
              + unindexed.get(0).position()
              + " but es_index says "
              + from
              + "; run 'onelog verify'");
    }
    List<EventTail.Entry> events =
        List.copyOf(unindexed.subList(0, Math.min(max, unindexed.size())));
    StatementCache statements = tx.statements();
    insertIds(statements, events);
    insertRuns(statements, events);
    insertTags(statements, events);
    upsertStreams(statements, events);
    long reached = events.get(events.size() - 1).position() + 1;
    PreparedStatement update =
        statements.get("UPDATE es_index SET indexed_position = ? WHERE id = 0");
    update.setLong(1, reached);
    update.executeUpdate();
    tail.indexedUpTo(reached);
    return reached;
  }

  private static void insertIds(StatementCache statements, List<EventTail.Entry> events)
      throws SQLException {
    List<EventTail.Entry> byId = new ArrayList<>(events);
    byId.sort((a, b) -> EventCodec.compareIds(a.id(), b.id()));
    List<Object[]> rows = new ArrayList<>(byId.size());
    for (EventTail.Entry event : byId) {
      rows.add(
          new Object[] {
            EventCodec.idBytes(event.id()), event.streamId(), event.version(), event.position()
          });
    }
    insert(statements, "es_event_ids (event_id, stream_id, version, position)", 4, rows);
  }

  /**
   * One row per run: consecutive versions of a stream at consecutive positions with one type (an
   * append of 100 events of one type is one row), in (stream, version) order.
   */
  private static void insertRuns(StatementCache statements, List<EventTail.Entry> events)
      throws SQLException {
    Map<String, List<EventTail.Entry>> byStream = new HashMap<>();
    for (EventTail.Entry event : events) {
      byStream.computeIfAbsent(event.streamId(), id -> new ArrayList<>()).add(event);
    }
    List<Object[]> rows = new ArrayList<>();
    for (String streamId : inKeyOrder(byStream.keySet())) {
      List<EventTail.Entry> stream = byStream.get(streamId);
      EventTail.Entry first = null;
      EventTail.Entry last = null;
      for (EventTail.Entry event : stream) {
        if (first != null
            && event.version() == last.version() + 1
            && event.position() == last.position() + 1
            && event.type().equals(first.type())) {
          last = event;
          continue;
        }
        if (first != null) {
          rows.add(run(first, last));
        }
        first = event;
        last = event;
      }
      rows.add(run(first, last));
    }
    insert(statements, "es_events (stream_id, version, position, count, type)", 5, rows);
  }

  private static Object[] run(EventTail.Entry first, EventTail.Entry last) {
    return new Object[] {
      first.streamId(),
      first.version(),
      first.position(),
      (int) (last.version() - first.version() + 1),
      first.type()
    };
  }

  private static void insertTags(StatementCache statements, List<EventTail.Entry> events)
      throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    for (EventTail.Entry event : events) {
      for (String tag : event.tags()) {
        rows.add(new Object[] {tag, event.position(), event.streamId(), event.type()});
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    rows.sort(
        Comparator.comparing((Object[] r) -> utf8((String) r[0]), Arrays::compareUnsigned)
            .thenComparingLong(r -> (Long) r[1]));
    insert(statements, "es_event_tags (tag, position, stream_id, type)", 4, rows);
  }

  /**
   * Each stream's row: its last version and position, created by its first event; a row whose last
   * position is at or above the events' (a stream deleted after them) keeps what it says, and a
   * later event restarts a deleted stream.
   */
  private static void upsertStreams(StatementCache statements, List<EventTail.Entry> events)
      throws SQLException {
    Map<String, EventTail.Entry[]> firstAndLast = new HashMap<>();
    for (EventTail.Entry event : events) {
      EventTail.Entry[] known = firstAndLast.get(event.streamId());
      if (known == null) {
        firstAndLast.put(event.streamId(), new EventTail.Entry[] {event, event});
      } else {
        known[1] = event;
      }
    }
    List<Object[]> rows = new ArrayList<>(firstAndLast.size());
    for (String streamId : inKeyOrder(firstAndLast.keySet())) {
      EventTail.Entry[] pair = firstAndLast.get(streamId);
      rows.add(
          new Object[] {
            pair[1].streamId(),
            pair[1].version(),
            pair[1].position(),
            pair[0].timestampMs(),
            pair[1].timestampMs()
          });
    }
    insert(
        statements,
        "es_streams (stream_id, version, truncate_before, deleted, last_position, created_at_ms,"
            + " updated_at_ms)",
        "(?, ?, 0, 0, ?, ?, ?)",
        " ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, deleted = 0,"
            + " last_position = excluded.last_position, updated_at_ms = excluded.updated_at_ms"
            + " WHERE excluded.last_position > es_streams.last_position",
        rows);
  }

  private static void insert(
      StatementCache statements, String into, int columns, List<Object[]> rows)
      throws SQLException {
    insert(statements, into, "(" + AppendSession.placeholders(columns, "?") + ")", "", rows);
  }

  /** {@code INSERT INTO into VALUES one, one, ... suffix}, 32 rows a statement. */
  private static void insert(
      StatementCache statements, String into, String one, String suffix, List<Object[]> rows)
      throws SQLException {
    for (int from = 0; from < rows.size(); ) {
      int n = AppendSession.chunk(rows.size() - from);
      PreparedStatement insert =
          statements.get(
              "INSERT INTO " + into + " VALUES " + AppendSession.placeholders(n, one) + suffix);
      int p = 1;
      for (Object[] row : rows.subList(from, from + n)) {
        for (Object value : row) {
          insert.setObject(p++, value);
        }
      }
      insert.executeUpdate();
      from += n;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The ids in SQLite's order of TEXT (UTF-8 bytes), each encoded once. */
  private static List<String> inKeyOrder(java.util.Collection<String> ids) {
    List<Map.Entry<byte[], String>> keyed = new ArrayList<>(ids.size());
    for (String id : ids) {
      keyed.add(Map.entry(utf8(id), id));
    }
    keyed.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
    List<String> sorted = new ArrayList<>(keyed.size());
    for (Map.Entry<byte[], String> e : keyed) {
      sorted.add(e.getValue());
    }
    return sorted;
  }
}
