package dev.onelog.internal.eventstore;

import dev.onelog.eventstore.RecordedEvent;
import dev.onelog.internal.storage.TopicMeta;
import dev.onelog.internal.write.StepContext;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The writer's memory of the unindexed events ({@link UnindexedEvents}): what an append must know
 * of them (each stream's last version and position, the event ids, and each event's stream, type
 * and tags for conditions) without reading them for every append.
 *
 * <p>It describes the positions {@code [indexedPosition, end)} and is checked against the file at
 * the start of every append session ({@link #sync}): when another process appended or indexed, or a
 * transaction that changed it did not commit, it is read again from the records. Appends add their
 * events as they write them ({@link #add}), so later appends of the same transaction see them; the
 * change is confirmed when the transaction commits, and a tail whose transaction did not commit is
 * read again.
 *
 * <p>Not thread-safe: the writer thread's.
 */
final class EventTail {
  /** An unindexed event as conditions, retries and the indexer need it. */
  record Entry(
      long position,
      String streamId,
      long version,
      UUID id,
      String type,
      Set<String> tags,
      long timestampMs) {
    static Entry of(RecordedEvent event) {
      return new Entry(
          event.position(),
          event.streamId(),
          event.version(),
          event.id(),
          event.type(),
          event.tags(),
          event.timestampMs());
    }
  }

  /** The last unindexed event of a stream: {version, position}. */
  private final Map<String, long[]> streams = new HashMap<>();

  private final Map<UUID, Entry> ids = new HashMap<>();
  private final List<Entry> events = new ArrayList<>();

  private long indexedPosition = -1;
  private long end = -1;

  /** The transaction whose changes are not known to have committed; null when none. */
  private StepContext uncommitted;

  private java.util.function.IntConsumer appendedListener = unindexed -> {};

  /** Tells {@code listener} the number of unindexed events after each append session. */
  void onAppended(java.util.function.IntConsumer listener) {
    this.appendedListener = listener;
  }

  /**
   * Makes the tail the truth of this transaction: reread when the file's index position or end is
   * not what it holds, or when an earlier transaction that changed it did not commit.
   *
   * @return the event topic's next offset, read in this transaction
   */
  long sync(StepContext tx, TopicMeta topic) throws SQLException {
    long indexed = UnindexedEvents.indexedPosition(tx.statements());
    long next = UnindexedEvents.endPosition(tx.statements(), topic);
    if ((uncommitted != null && uncommitted != tx) || indexed != indexedPosition || next < end) {
      clear();
      indexedPosition = indexed;
      end = indexed;
    }
    if (end < next) {
      for (RecordedEvent event :
          UnindexedEvents.read(tx.statements(), topic, end, null, Integer.MAX_VALUE)) {
        put(Entry.of(event));
      }
      end = next;
    }
    return next;
  }

  private void clear() {
    streams.clear();
    ids.clear();
    events.clear();
    uncommitted = null;
  }

  /** Adds events appended in this transaction (in position order, from {@link #end}). */
  void add(StepContext tx, List<Entry> appended) {
    if (appended.isEmpty()) {
      return;
    }
    for (Entry entry : appended) {
      put(entry);
    }
    end = appended.get(appended.size() - 1).position() + 1;
    appendedListener.accept(events.size());
    if (uncommitted != tx) {
      uncommitted = tx;
      tx.afterCommit(() -> uncommitted = null);
    }
  }

  private void put(Entry entry) {
    streams.put(entry.streamId(), new long[] {entry.version(), entry.position()});
    ids.put(entry.id(), entry);
    events.add(entry);
  }

  /** The events below {@code position} are indexed now: forgets them. */
  void indexedUpTo(long position) {
    if (position <= indexedPosition) {
      return;
    }
    if (position > end) {
      clear();
      indexedPosition = position;
      end = position;
      return;
    }
    int drop = 0;
    while (drop < events.size() && events.get(drop).position() < position) {
      Entry entry = events.get(drop++);
      ids.remove(entry.id());
      long[] last = streams.get(entry.streamId());
      if (last != null && last[1] < position) {
        streams.remove(entry.streamId());
      }
    }
    events.subList(0, drop).clear();
    indexedPosition = position;
  }

  long indexedPosition() {
    return indexedPosition;
  }

  /** The stream's last unindexed event, {version, position}; null when it has none. */
  long[] lastOf(String streamId) {
    return streams.get(streamId);
  }

  Entry event(UUID id) {
    return ids.get(id);
  }

  /** The unindexed events in position order; the caller must not change the list. */
  List<Entry> events() {
    return events;
  }

  int size() {
    return events.size();
  }
}
