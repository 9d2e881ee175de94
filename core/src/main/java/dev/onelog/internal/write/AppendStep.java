package dev.onelog.internal.write;

import dev.onelog.RecordMetadata;
import dev.onelog.TopicPartition;
import dev.onelog.UnknownTopicException;
import dev.onelog.internal.storage.FileFormat;
import dev.onelog.internal.storage.StatementCache;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Appends as one step of a group commit: every append request queued next to the others becomes one
 * step, inside the transaction's {@code BEGIN IMMEDIATE} and the step's savepoint.
 *
 * <ol>
 *   <li>for each partition the requests touch, read its row of {@code partitions}: the next offset
 *       comes from the file, never from memory, because another process may have appended since,
 *       and so may an earlier step of this transaction. A request touching a partition that no
 *       longer exists (its topic was deleted) fails alone, before anything is inserted, so one bad
 *       request never fails the others;
 *   <li>give offsets in queue order, insert each partition's records as batches ({@link
 *       BatchInserter}), update its counters;
 *   <li>after {@code COMMIT}, complete each request's future ({@link #committed}).
 * </ol>
 *
 * Rows are grouped by partition with a stable counting sort into one array kept in {@link Scratch},
 * which lives as long as the writer, so a transaction of 10,000 records allocates no growing lists:
 * the writer thread's CPU per record is what limits appends.
 *
 * <p>Not thread-safe: the writer thread's alone.
 */
final class AppendStep implements TransactionStep {
  /** Per-writer buffers that every append step reuses, one step at a time. */
  static final class Scratch {
    private final Map<PartitionKey, Cursor> cursors = new HashMap<>();
    private final List<Cursor> touched = new ArrayList<>();
    private EncodedRecord[] rows = new EncodedRecord[1024];
    private Cursor last;

    private void reset() {
      cursors.clear();
      touched.clear();
      last = null;
    }
  }

  /** A partition's state for the length of one step. */
  private static final class Cursor {
    final long topicId;
    final int partition;
    final String table;
    final long firstOffset;

    /** The topic compacts: the key index is kept and every record needs a key. */
    final boolean compacted;

    int count;
    int start;
    int placed;
    long sizeBytes;

    Cursor(long topicId, int partition, long firstOffset, boolean compacted) {
      this.topicId = topicId;
      this.partition = partition;
      this.table = FileFormat.logTable(topicId, partition);
      this.firstOffset = firstOffset;
      this.compacted = compacted;
    }
  }

  /** Marks a partition found missing in this step. */
  private static final Cursor MISSING = new Cursor(-1, -1, -1, false);

  private final Scratch scratch;
  private final Consumer<String> topicGone;
  private final List<AppendRequest> requests = new ArrayList<>();
  private final List<RecordMetadata[]> metadata = new ArrayList<>();

  /**
   * @param topicGone told the name of a topic whose partitions vanished from the file (another
   *     process deleted it), before the requests for it fail, so that a resend looks it up afresh
   */
  AppendStep(Scratch scratch, Consumer<String> topicGone) {
    this.scratch = scratch;
    this.topicGone = topicGone;
  }

  void add(AppendRequest request) {
    requests.add(request);
  }

  boolean isEmpty() {
    return requests.isEmpty();
  }

  @Override
  public void run(StepContext tx) throws SQLException {
    metadata.clear();
    List<AppendRequest> stored = new ArrayList<>(requests.size());
    insert(tx.statements(), requests, stored, metadata);
    requests.clear();
    requests.addAll(stored);
  }

  /** Appends records inside a caller's step; fails as a whole when a partition is missing. */
  RecordMetadata[] appendNow(StatementCache statements, EncodedRecord[] records)
      throws SQLException {
    AppendRequest.Batch request = new AppendRequest.Batch(records);
    List<AppendRequest> stored = new ArrayList<>(1);
    List<RecordMetadata[]> result = new ArrayList<>(1);
    insert(statements, List.of(request), stored, result);
    if (stored.isEmpty()) {
      try {
        request.future.join(); // failed by insert(): its topic is gone
      } catch (java.util.concurrent.CompletionException e) {
        throw (RuntimeException) e.getCause();
      }
    }
    return result.get(0);
  }

  @Override
  public int callers() {
    return requests.size();
  }

  @Override
  public void committed() {
    for (int i = 0; i < requests.size(); i++) {
      requests.get(i).complete(metadata.get(i));
    }
  }

  @Override
  public void failedAlone(Throwable cause, WriteFailures failures) {
    for (AppendRequest request : requests) {
      request.fail(failures.forCaller(cause, request.describe(), request.partitions()));
    }
  }

  @Override
  public void failedWithTransaction(Throwable cause, WriteFailures failures) {
    failedAlone(cause, failures);
  }

  /**
   * Inserts the requests' records; adds the requests that were stored to {@code stored} and their
   * metadata to {@code metadata}, in the same order. A request whose topic is gone is failed here.
   */
  private void insert(
      StatementCache statements,
      List<AppendRequest> pending,
      List<AppendRequest> stored,
      List<RecordMetadata[]> metadata)
      throws SQLException {
    scratch.reset();
    int total = 0;
    try {
      for (AppendRequest request : pending) {
        if (!partitionsExist(statements, request)) {
          continue;
        }
        RecordMetadata[] offsets = new RecordMetadata[request.size()];
        for (int i = 0; i < request.size(); i++) {
          EncodedRecord record = request.get(i);
          Cursor cursor = cursor(record);
          offsets[i] =
              new RecordMetadata(
                  record.topic(),
                  record.partition(),
                  cursor.firstOffset + cursor.count,
                  record.timestampMs());
          cursor.count++;
          cursor.sizeBytes += record.sizeInBytes();
        }
        total += request.size();
        stored.add(request);
        metadata.add(offsets);
      }
      placeRows(total, stored);
      for (Cursor cursor : scratch.touched) {
        if (cursor.count == 0) {
          continue;
        }
        BatchInserter.insert(
            statements, cursor.table, scratch.rows, cursor.start, cursor.count, cursor.firstOffset);
        PartitionRow.appended(
            statements,
            cursor.topicId,
            cursor.partition,
            cursor.firstOffset + cursor.count,
            cursor.count,
            cursor.sizeBytes);
      }
    } finally {
      Arrays.fill(scratch.rows, 0, Math.min(scratch.rows.length, total), null);
    }
  }

  /** Groups the stored requests' records by partition, keeping queue order within each. */
  private void placeRows(int total, List<AppendRequest> stored) {
    if (scratch.rows.length < total) {
      scratch.rows = new EncodedRecord[Math.max(total, scratch.rows.length * 2)];
    }
    int start = 0;
    for (Cursor cursor : scratch.touched) {
      cursor.start = start;
      start += cursor.count;
    }
    for (AppendRequest request : stored) {
      for (int i = 0; i < request.size(); i++) {
        Cursor cursor = cursor(request.get(i));
        scratch.rows[cursor.start + cursor.placed++] = request.get(i);
      }
    }
  }

  /** The cursor of a record's partition, which {@link #partitionsExist} has looked up. */
  private Cursor cursor(EncodedRecord record) {
    Cursor last = scratch.last;
    if (last == null || last.topicId != record.topicId() || last.partition != record.partition()) {
      last = scratch.cursors.get(new PartitionKey(record.topicId(), record.partition()));
      scratch.last = last;
    }
    return last;
  }

  /**
   * Looks up (once per step) every partition the request touches; fails it if one is gone, or if it
   * sends a record without a key to a compacted topic.
   */
  private boolean partitionsExist(StatementCache statements, AppendRequest request)
      throws SQLException {
    for (int i = 0; i < request.size(); i++) {
      EncodedRecord record = request.get(i);
      Cursor cursor = scratch.last;
      if (cursor == null
          || cursor.topicId != record.topicId()
          || cursor.partition != record.partition()) {
        PartitionKey key = new PartitionKey(record.topicId(), record.partition());
        cursor = scratch.cursors.get(key);
        if (cursor == null) {
          cursor = load(statements, record);
          scratch.cursors.put(key, cursor);
          if (cursor != MISSING) {
            scratch.touched.add(cursor);
          }
        }
      }
      if (cursor == MISSING) {
        scratch.last = null;
        topicGone.accept(record.topic());
        request.fail(
            new UnknownTopicException(
                "topic '"
                    + record.topic()
                    + "' was deleted before its records were committed;"
                    + " create it again and resend"));
        return false;
      }
      scratch.last = cursor;
      if (cursor.compacted && record.key() == null) {
        topicGone.accept(record.topic()); // its cached policy is stale: reload it on resend
        request.fail(RecordEncoder.keyRequired(record.topic(), record.partition()));
        return false;
      }
    }
    return true;
  }

  private static Cursor load(StatementCache statements, EncodedRecord record) throws SQLException {
    PartitionRow row = PartitionRow.find(statements, record.topicId(), record.partition());
    return row == null
        ? MISSING
        : new Cursor(record.topicId(), record.partition(), row.nextOffset(), row.compacted());
  }

  /** The distinct partitions of a request's records, in order, for messages. */
  static List<TopicPartition> partitionsOf(AppendRequest request) {
    Set<TopicPartition> partitions = new LinkedHashSet<>();
    for (int i = 0; i < request.size(); i++) {
      EncodedRecord record = request.get(i);
      partitions.add(new TopicPartition(record.topic(), record.partition()));
    }
    return List.copyOf(partitions);
  }
}
