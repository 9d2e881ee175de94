package dev.onelog.internal.eventstore;

import dev.onelog.RecordMetadata;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Appends of events inside one writer step: every check, then the records, in the group-commit
 * transaction. An append is checked completely (the expected version of each of its streams, its
 * event ids, its condition) before anything of it is written, so a refused append writes nothing
 * and needs no savepoint of its own; the appends of one session see each other's events.
 *
 * <p>Appends write only their records: the index tables follow behind ({@link EventIndexer}), and
 * what they do not hold yet the writer keeps in memory ({@link EventTail}).
 *
 * <ol>
 *   <li>{@link #begin}: the tail checked against the file, and the event topic's next offset read
 *       inside the transaction: the position of the session's first event. Positions are given in
 *       order from there, so commit order is position order;
 *   <li>{@link #append}: for each stream, its {@code es_streams} row brought up to its unindexed
 *       events (once per session), then the event ids in {@code es_event_ids}, the tail and the
 *       session: ids already stored at exactly the place the append would put them make the append
 *       a retry, answered with the stored versions and positions; stored elsewhere, a {@link
 *       DuplicateEventIdException}. Then the expected version, then the condition ({@link
 *       ConditionCheck}). Then the append's records, held for the end;
 *   <li>{@link #finish}: the records, appended as the topic's next offsets (checked against the
 *       positions given), and their events added to the tail.
 * </ol>
 *
 * <p>Not thread-safe: the writer thread's, for the length of one step.
 */
final class AppendSession {
  /** Rows per multi-row statement; a remainder goes in power-of-two chunks (few statements). */
  private static final int CHUNK = 32;

  private final StepContext tx;
  private final TopicMeta topic;
  private final EventTail tail;
  private final long firstPosition;
  private long nextPosition;
  private final List<EncodedRecord> records = new ArrayList<>();
  private final Map<String, StreamState> streams = new LinkedHashMap<>();

  /** The events this session appended, for the tail and the session's later checks. */
  private final List<EventTail.Entry> appended = new ArrayList<>();

  /** Ids found in {@code es_event_ids}, with their place; looked up once per session. */
  private final Map<UUID, EventTail.Entry> storedIds = new HashMap<>();

  /** Every id looked up in {@code es_event_ids} this session, found or not. */
  private final Set<UUID> checkedIds = new HashSet<>();

  /** The greatest id in {@code es_event_ids} (empty when none), once read; null before. */
  private Optional<UUID> greatestIndexedId;

  /** The ids of {@link #appended}, for the retry check of a later append of the same session. */
  private final Map<UUID, EventTail.Entry> appendedIds = new HashMap<>();

  private AppendSession(StepContext tx, TopicMeta topic, EventTail tail, long firstPosition) {
    this.tx = tx;
    this.topic = topic;
    this.tail = tail;
    this.firstPosition = firstPosition;
    this.nextPosition = firstPosition;
  }

  static AppendSession begin(StepContext tx, TopicMeta topic, EventTail tail) throws SQLException {
    return new AppendSession(tx, topic, tail, tail.sync(tx, topic));
  }

  StatementCache statements() {
    return tx.statements();
  }

  /** The streams this session has looked at, for the condition check of a stream prefix. */
  Collection<StreamState> streams() {
    return streams.values();
  }

  /** The unindexed events before this session's, in position order. */
  List<EventTail.Entry> tailEvents() {
    return tail.events();
  }

  /** This session's events so far, in position order. */
  List<EventTail.Entry> appended() {
    return appended;
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
    List<UUID> unchecked = new ArrayList<>();
    for (EventData event : events) {
      if (!checkedIds.contains(event.id())) {
        unchecked.add(event.id());
      }
    }
    lookUpStored(unchecked);
    Map<UUID, long[]> found = new HashMap<>();
    String[] foundStream = new String[events.size()];
    for (int i = 0; i < events.size(); i++) {
      UUID id = events.get(i).id();
      EventTail.Entry entry = appendedIds.get(id);
      if (entry == null) {
        entry = tail.event(id);
      }
      if (entry == null) {
        entry = storedIds.get(id);
      }
      if (entry != null) {
        found.put(id, new long[] {entry.version(), entry.position()});
        foundStream[i] = entry.streamId();
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
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      EventTail.Entry entry =
          new EventTail.Entry(
              nextPosition + i,
              append.streamId(),
              firstVersion + i,
              event.id(),
              event.type(),
              event.tags(),
              prepared.get(i).timestampMs());
      appended.add(entry);
      appendedIds.put(event.id(), entry);
    }
    nextPosition += events.size();
    state.version = firstVersion + events.size() - 1;
    state.lastPosition = nextPosition - 1;
    return new AppendResult(append.streamId(), state.version, positions, false);
  }

  /**
   * Reads the rows of every stream the appends name that this session has not read, 32 a statement:
   * 64 callers appending to 64 streams cost two statements, not 64.
   */
  void load(List<PendingAppend> appends) throws SQLException {
    List<String> ids = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<UUID> eventIds = new ArrayList<>();
    for (PendingAppend pending : appends) {
      for (StreamAppend append : pending.appends) {
        if (!streams.containsKey(append.streamId()) && seen.add(append.streamId())) {
          ids.add(append.streamId());
        }
        for (EventData event : append.events()) {
          eventIds.add(event.id());
        }
      }
    }
    lookUpStored(eventIds);
    for (int from = 0; from < ids.size(); ) {
      int n = chunk(ids.size() - from);
      for (StreamState state : StreamQueries.load(tx.statements(), ids.subList(from, from + n))) {
        streams.put(state.streamId, state);
      }
      from += n;
    }
    for (String id : ids) {
      withTail(streams.computeIfAbsent(id, absent -> absent(id)));
    }
  }

  /**
   * Looks the ids up in {@code es_event_ids}, 32 a statement: a drain of 64 single-event appends
   * costs two statements, not 64. Found ids go to {@link #storedIds}, all to {@link #checkedIds}.
   */
  private void lookUpStored(List<UUID> all) throws SQLException {
    List<UUID> ids = new ArrayList<>(all.size());
    for (UUID id : all) {
      if (mayBeIndexed(id)) {
        ids.add(id);
      }
    }
    checkedIds.addAll(all);
    for (int from = 0; from < ids.size(); ) {
      int n = chunk(ids.size() - from);
      PreparedStatement select =
          tx.statements()
              .get(
                  "SELECT event_id, stream_id, version, position FROM es_event_ids WHERE event_id IN ("
                      + placeholders(n, "?")
                      + ")");
      for (int i = 0; i < n; i++) {
        select.setBytes(i + 1, EventCodec.idBytes(ids.get(from + i)));
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          UUID id = EventCodec.idOf(rs.getBytes(1));
          storedIds.put(
              id,
              new EventTail.Entry(
                  rs.getLong(4), rs.getString(2), rs.getLong(3), id, null, Set.of(), 0));
        }
      }
      from += n;
    }
  }

  /**
   * False when {@code id} sorts after every indexed id, so that {@code es_event_ids} cannot hold
   * it: time-ordered ids (version 7, as {@link dev.onelog.eventstore.EventData#of} makes them) new
   * since the last index generation need no lookup. The greatest indexed id is read once a session.
   */
  private boolean mayBeIndexed(UUID id) throws SQLException {
    if (greatestIndexedId == null) {
      try (ResultSet rs =
          tx.statements()
              .get("SELECT event_id FROM es_event_ids ORDER BY event_id DESC LIMIT 1")
              .executeQuery()) {
        greatestIndexedId =
            rs.next() ? Optional.of(EventCodec.idOf(rs.getBytes(1))) : Optional.empty();
      }
    }
    return greatestIndexedId.isPresent() && EventCodec.compareIds(id, greatestIndexedId.get()) <= 0;
  }

  /** The stream's indexed state brought up to its unindexed events, if it has any. */
  private StreamState withTail(StreamState state) {
    long[] last = tail.lastOf(state.streamId);
    if (last != null && last[1] > state.lastPosition) {
      state.version = last[0];
      state.lastPosition = last[1];
      state.deleted = false; // an event after the deletion restarted the stream
    }
    return state;
  }

  private StreamState absent(String streamId) {
    return new StreamState(streamId, -1, 0, false, -1, tx.nowMs());
  }

  /** The stream's state, read once per session. */
  StreamState state(String streamId) throws SQLException {
    StreamState state = streams.get(streamId);
    if (state == null) {
      state = StreamQueries.load(tx.statements(), streamId);
      if (state == null) {
        state = absent(streamId);
      }
      streams.put(streamId, withTail(state));
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
    if (records.isEmpty()) {
      return;
    }
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
    tail.add(tx, appended);
    appended.clear();
    appendedIds.clear();
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
