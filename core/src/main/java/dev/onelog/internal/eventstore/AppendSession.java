package dev.onelog.internal.eventstore;

import dev.onelog.RecordMetadata;
import dev.onelog.UnknownTopicException;
import dev.onelog.eventstore.AppendConflictException;
import dev.onelog.eventstore.AppendResult;
import dev.onelog.eventstore.DuplicateEventIdException;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.StreamAppend;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.write.EncodedRecord;
import dev.onelog.internal.write.StepContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Appends of events inside one writer step: every check, then the writes, in the group-commit
 * transaction. An append is checked completely (the expected version of each of its streams, its
 * event ids, its condition) before anything of it is written, so a refused append writes nothing
 * and needs no savepoint of its own; the appends of one session see each other's writes.
 *
 * <ol>
 *   <li>{@link #begin}: the event topic's next offset, read inside the transaction: the position of
 *       the session's first event. Positions are given in order from there, so commit order is
 *       position order;
 *   <li>{@link #append}: for each stream, its {@code es_streams} row (once per session), then the
 *       event ids in {@code es_event_ids}: ids already stored at exactly the place the append would
 *       put them make the append a retry, answered with the stored versions and positions; stored
 *       elsewhere, a {@link DuplicateEventIdException}. Then the expected version, then the
 *       condition ({@link ConditionCheck}). Then the append's rows of {@code es_events} (one per
 *       run of one type), {@code es_event_ids} and {@code es_event_tags}, and their records, held
 *       for the end;
 *   <li>{@link #finish}: the records, appended as the topic's next offsets (checked against the
 *       positions given), and the touched streams' rows.
 * </ol>
 *
 * <p>Not thread-safe: the writer thread's, for the length of one step.
 */
final class AppendSession {
  /** Rows per multi-row statement; a remainder goes in power-of-two chunks (few statements). */
  private static final int CHUNK = 32;

  private final StepContext tx;
  private final TopicMeta topic;
  private final long firstPosition;
  private long nextPosition;
  private final List<EncodedRecord> records = new ArrayList<>();
  private final Map<String, StreamState> streams = new LinkedHashMap<>();

  /**
   * Rows written at {@link #flush}, so that the appends of a commit cost a statement per table and
   * 32 rows, not one each: runs of {@code es_events} (stream, first version, first position, count,
   * type) and {@code es_event_ids} rows (id, stream, version, position).
   */
  private final List<Object[]> runRows = new ArrayList<>();

  private final List<Object[]> idRows = new ArrayList<>();

  /** The ids of {@link #idRows}, for the retry check of a later append of the same session. */
  private final Map<UUID, Object[]> unflushedIds = new HashMap<>();

  private AppendSession(StepContext tx, TopicMeta topic, long firstPosition) {
    this.tx = tx;
    this.topic = topic;
    this.firstPosition = firstPosition;
    this.nextPosition = firstPosition;
  }

  static AppendSession begin(StepContext tx, TopicMeta topic) throws SQLException {
    PreparedStatement select =
        tx.statements()
            .get("SELECT next_offset FROM partitions WHERE topic_id = ? AND partition = 0");
    select.setLong(1, topic.id());
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new UnknownTopicException(
            "the event store's topic '"
                + topic.name()
                + "' was deleted; the event store cannot append. Restore the file from a backup");
      }
      return new AppendSession(tx, topic, rs.getLong(1));
    }
  }

  StatementCache statements() {
    return tx.statements();
  }

  /** The streams this session has looked at, for the condition check of a stream prefix. */
  Collection<StreamState> streams() {
    return streams.values();
  }

  /**
   * Checks and writes one append; on a refusal sets its failure and writes nothing.
   *
   * @throws SQLException when SQLite fails: the step fails, and every append of it
   */
  void append(PendingAppend pending) throws SQLException {
    try {
      pending.results = appendChecked(pending);
    } catch (AppendConflictException | DuplicateEventIdException e) {
      pending.failure = e;
    }
  }

  /**
   * Checks and writes one append, throwing its refusal.
   *
   * @throws AppendConflictException when a stream is not at its expected version or the condition
   *     found a matching event
   * @throws DuplicateEventIdException when an event id is stored elsewhere
   */
  List<AppendResult> appendChecked(PendingAppend pending) throws SQLException {
    int count = pending.appends.size();
    AppendResult[] results = new AppendResult[count];
    StreamState[] states = new StreamState[count];
    boolean allRetries = true;
    for (int i = 0; i < count; i++) {
      StreamAppend append = pending.appends.get(i);
      StreamState state = state(append.streamId());
      states[i] = state;
      results[i] = retried(append, state);
      if (results[i] == null) {
        allRetries = false;
        if (!append.expected().matches(state.actualVersion())) {
          throw AppendConflictException.version(
              append.streamId(), append.expected(), state.actualVersion(), state.deleted);
        }
      }
    }
    if (!allRetries && pending.condition != null) {
      flush(); // the check's queries must see the earlier appends of this session
      long conflict = ConditionCheck.firstMatch(this, pending.condition);
      if (conflict >= 0) {
        throw AppendConflictException.condition(pending.condition, conflict);
      }
    }
    for (int i = 0; i < count; i++) {
      if (results[i] == null) {
        results[i] = write(pending.appends.get(i), pending.prepared.get(i), states[i]);
      }
    }
    return List.of(results);
  }

  /**
   * The stored result when every event id of the append is already at the place the append would
   * put it (a retry of an append that committed); null when none of its ids is stored.
   *
   * @throws DuplicateEventIdException when an id is stored anywhere else
   */
  private AppendResult retried(StreamAppend append, StreamState state) throws SQLException {
    List<EventData> events = append.events();
    Map<UUID, long[]> found = new HashMap<>();
    String[] foundStream = new String[events.size()];
    for (int from = 0; from < events.size(); ) {
      int n = chunk(events.size() - from);
      PreparedStatement select =
          tx.statements()
              .get(
                  "SELECT event_id, stream_id, version, position FROM es_event_ids WHERE event_id IN ("
                      + placeholders(n, "?")
                      + ")");
      for (int i = 0; i < n; i++) {
        select.setBytes(i + 1, EventCodec.idBytes(events.get(from + i).id()));
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          UUID id = EventCodec.idOf(rs.getBytes(1));
          found.put(id, new long[] {rs.getLong(3), rs.getLong(4)});
          for (int i = 0; i < events.size(); i++) {
            if (events.get(i).id().equals(id)) {
              foundStream[i] = rs.getString(2);
            }
          }
        }
      }
      from += n;
    }
    for (int i = 0; i < events.size(); i++) {
      Object[] row = unflushedIds.get(events.get(i).id());
      if (row != null) {
        found.put(events.get(i).id(), new long[] {(Long) row[2], (Long) row[3]});
        foundStream[i] = (String) row[1];
      }
    }
    if (found.isEmpty()) {
      return null;
    }
    long firstVersion = -1;
    List<Long> positions = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      UUID id = events.get(i).id();
      long[] place = found.get(id);
      boolean inPlace =
          place != null
              && foundStream[i].equals(append.streamId())
              && (i == 0 || place[0] == firstVersion + i);
      if (i == 0 && place != null) {
        firstVersion = place[0];
      }
      if (!inPlace || !retryMatches(append, state, firstVersion)) {
        UUID clash = place != null ? id : found.keySet().iterator().next();
        int at = place != null ? i : indexOf(events, clash);
        throw new DuplicateEventIdException(
            clash, append.streamId(), foundStream[at], found.get(clash)[0]);
      }
      positions.add(place[1]);
    }
    return new AppendResult(append.streamId(), firstVersion + events.size() - 1, positions, true);
  }

  /** Whether an append expecting what it expects could have put its first event at that version. */
  private static boolean retryMatches(StreamAppend append, StreamState state, long firstVersion) {
    if (append.expected().isExact()) {
      return append.expected().version() == firstVersion - 1;
    }
    if (append.expected().isNoStream()) {
      return firstVersion == state.truncateBefore;
    }
    return true;
  }

  private static int indexOf(List<EventData> events, UUID id) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private AppendResult write(
      StreamAppend append, List<EventCodec.Prepared> prepared, StreamState state)
      throws SQLException {
    List<EventData> events = append.events();
    long firstVersion = state.version + 1;
    if (state.deleted) {
      state.deleted = false; // a deleted stream restarts after its last version
    }
    List<Long> positions = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      records.add(EventCodec.encode(prepared.get(i), topic, firstVersion + i));
      positions.add(nextPosition + i);
    }
    insertEvents(append.streamId(), events, firstVersion, nextPosition);
    insertTags(append.streamId(), events, nextPosition);
    nextPosition += events.size();
    state.version = firstVersion + events.size() - 1;
    state.lastPosition = nextPosition - 1;
    state.dirty = true;
    return new AppendResult(append.streamId(), state.version, positions, false);
  }

  /**
   * Queues the append's index rows for {@link #flush}: one {@code es_events} row per run of
   * consecutive events of one type (a batch of 100 events of one type is one row, where a row per
   * event cost a row and two index entries each), and one {@code es_event_ids} row per event.
   */
  private void insertEvents(String streamId, List<EventData> events, long version, long position) {
    for (int i = 0; i < events.size(); ) {
      int end = i + 1;
      while (end < events.size() && events.get(end).type().equals(events.get(i).type())) {
        end++;
      }
      runRows.add(
          new Object[] {streamId, version + i, position + i, end - i, events.get(i).type()});
      i = end;
    }
    for (int i = 0; i < events.size(); i++) {
      UUID id = events.get(i).id();
      Object[] row = {EventCodec.idBytes(id), streamId, version + i, position + i};
      idRows.add(row);
      unflushedIds.put(id, row);
    }
  }

  /** Writes the queued rows of {@code es_events} and {@code es_event_ids}. */
  void flush() throws SQLException {
    insertRows("es_events (stream_id, version, position, count, type)", 5, runRows);
    insertRows("es_event_ids (event_id, stream_id, version, position)", 4, idRows);
    unflushedIds.clear();
  }

  private void insertRows(String into, int columns, List<Object[]> rows) throws SQLException {
    String one = "(" + placeholders(columns, "?") + ")";
    for (int from = 0; from < rows.size(); ) {
      int n = chunk(rows.size() - from);
      PreparedStatement insert =
          tx.statements().get("INSERT INTO " + into + " VALUES " + placeholders(n, one));
      int p = 1;
      for (int r = from; r < from + n; r++) {
        for (Object value : rows.get(r)) {
          insert.setObject(p++, value);
        }
      }
      insert.executeUpdate();
      from += n;
    }
    rows.clear();
  }

  private void insertTags(String streamId, List<EventData> events, long position)
      throws SQLException {
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      for (String tag : event.tags()) {
        PreparedStatement insert =
            tx.statements()
                .get(
                    "INSERT INTO es_event_tags (tag, position, stream_id, type) VALUES (?, ?, ?,"
                        + " ?)");
        insert.setString(1, tag);
        insert.setLong(2, position + i);
        insert.setString(3, streamId);
        insert.setString(4, event.type());
        insert.executeUpdate();
      }
    }
  }

  /**
   * Reads the rows of every stream the appends name that this session has not read, 32 a statement:
   * 64 callers appending to 64 streams cost two statements, not 64.
   */
  void load(List<PendingAppend> appends) throws SQLException {
    List<String> ids = new ArrayList<>();
    for (PendingAppend pending : appends) {
      for (StreamAppend append : pending.appends) {
        if (!streams.containsKey(append.streamId()) && !ids.contains(append.streamId())) {
          ids.add(append.streamId());
        }
      }
    }
    for (int from = 0; from < ids.size(); ) {
      int n = chunk(ids.size() - from);
      for (StreamState state : StreamQueries.load(tx.statements(), ids.subList(from, from + n))) {
        streams.put(state.streamId, state);
      }
      from += n;
    }
    for (String id : ids) {
      streams.computeIfAbsent(id, absent -> absent(id));
    }
  }

  private StreamState absent(String streamId) {
    return new StreamState(streamId, false, -1, 0, false, -1, tx.nowMs());
  }

  /** The stream's state, read once per session. */
  StreamState state(String streamId) throws SQLException {
    StreamState state = streams.get(streamId);
    if (state == null) {
      state = StreamQueries.load(tx.statements(), streamId);
      if (state == null) {
        state = absent(streamId);
      }
      streams.put(streamId, state);
    }
    return state;
  }

  /**
   * Appends the session's records as the topic's next offsets and writes the streams' rows.
   *
   * @throws IllegalStateException when the offsets given are not the positions written in {@code
   *     es_events}: something appended to the event topic inside this session
   */
  void finish() throws SQLException {
    flush();
    if (!records.isEmpty()) {
      RecordMetadata[] stored = tx.append(records.toArray(new EncodedRecord[0]));
      if (stored[0].offset() != firstPosition
          || stored[stored.length - 1].offset() != nextPosition - 1) {
        throw new IllegalStateException(
            "the event topic's records got offsets "
                + stored[0].offset()
                + ".."
                + stored[stored.length - 1].offset()
                + " but positions "
                + firstPosition
                + ".."
                + (nextPosition - 1)
                + " were given; nothing was appended");
      }
      records.clear();
    }
    List<StreamState> dirty = new ArrayList<>();
    for (StreamState state : streams.values()) {
      if (state.dirty) {
        dirty.add(state);
        state.dirty = false;
      }
    }
    for (int from = 0; from < dirty.size(); ) {
      int n = chunk(dirty.size() - from);
      StreamQueries.store(tx.statements(), dirty.subList(from, from + n), tx.nowMs());
      from += n;
    }
  }

  /** How many rows the next statement takes: {@link #CHUNK}, or a power of two below. */
  static int chunk(int remaining) {
    if (remaining >= CHUNK) {
      return CHUNK;
    }
    return Integer.highestOneBit(remaining);
  }

  static String placeholders(int n, String one) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : ", ").append(one);
    }
    return s.toString();
  }
}
