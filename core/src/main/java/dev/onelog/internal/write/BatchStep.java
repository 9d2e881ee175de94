package dev.onelog.internal.write;

import dev.onelog.UnknownTopicException;
import dev.onelog.internal.storage.FileFormat;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.StatementCache;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Stores the batches the senders built ({@link OpenBatch}) as one step of a group commit: each
 * batch becomes one row at its partition's next offset (read from the file once per partition, as
 * {@link AppendStep} does), then each partition's row of {@code partitions} is updated once. A
 * batch whose partition no longer exists, or that holds a record without a key for a topic that
 * became compacted, fails alone before anything is inserted. After {@code COMMIT} each record's
 * future completes with its offset.
 *
 * <p>Not thread-safe: the writer thread's alone.
 */
final class BatchStep implements TransactionStep {
  /** A partition's next offset during the step, and what the step added to it. */
  private static final class Cursor {
    final long topicId;
    final int partition;
    final boolean compacted;
    long nextOffset;
    long count;
    long sizeBytes;

    Cursor(long topicId, int partition, PartitionRow row) {
      this.topicId = topicId;
      this.partition = partition;
      this.compacted = row.compacted();
      this.nextOffset = row.nextOffset();
    }
  }

  private final List<OpenBatch> batches = new ArrayList<>();
  private final List<OpenBatch> stored = new ArrayList<>();
  private final Set<OpenBatch> failedEarly = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Consumer<String> topicGone;

  /**
   * @param topicGone told the name of a topic whose partitions vanished from the file
   */
  BatchStep(Consumer<String> topicGone) {
    this.topicGone = topicGone;
  }

  void add(OpenBatch batch) {
    batches.add(batch);
  }

  @Override
  public void run(StepContext tx) throws SQLException {
    StatementCache statements = tx.statements();
    Map<PartitionKey, Cursor> cursors = new HashMap<>();
    List<Cursor> touched = new ArrayList<>();
    stored.clear();
    for (OpenBatch batch : batches) {
      PartitionKey key = new PartitionKey(batch.topicId, batch.partition);
      Cursor cursor = cursors.get(key);
      if (cursor == null && !cursors.containsKey(key)) {
        PartitionRow row = PartitionRow.find(statements, batch.topicId, batch.partition);
        cursor = row == null ? null : new Cursor(batch.topicId, batch.partition, row);
        cursors.put(key, cursor);
        if (cursor != null) {
          touched.add(cursor);
        }
      }
      if (cursor == null) {
        topicGone.accept(batch.topic);
        failedEarly.add(batch);
        batch.fail(
            () ->
                new UnknownTopicException(
                    "topic '"
                        + batch.topic
                        + "' was deleted before its records were committed;"
                        + " create it again and resend"));
        continue;
      }
      if (cursor.compacted && !batch.allKeyed()) {
        topicGone.accept(batch.topic); // its cached policy is stale: reload it on resend
        failedEarly.add(batch);
        batch.fail(() -> RecordEncoder.keyRequired(batch.topic, batch.partition));
        continue;
      }
      long base = cursor.nextOffset;
      RecordBatch.insert(
          statements.get(
              RecordBatch.insertSql(FileFormat.logTable(batch.topicId, batch.partition))),
          base,
          base + batch.count() - 1,
          batch.count(),
          batch.maxTimestampMs(),
          batch.toBytes(base));
      cursor.nextOffset += batch.count();
      cursor.count += batch.count();
      cursor.sizeBytes += batch.sizeBytes();
      stored.add(batch);
    }
    for (Cursor cursor : touched) {
      if (cursor.count > 0) {
        PartitionRow.appended(
            statements,
            cursor.topicId,
            cursor.partition,
            cursor.nextOffset,
            cursor.count,
            cursor.sizeBytes);
      }
    }
  }

  @Override
  public int callers() {
    int records = 0;
    for (OpenBatch batch : batches) {
      records += batch.count();
    }
    return records;
  }

  @Override
  public void committed() {
    for (OpenBatch batch : stored) {
      batch.committed();
    }
  }

  @Override
  public void failedAlone(Throwable cause, WriteFailures failures) {
    failedWithTransaction(cause, failures);
  }

  @Override
  public void failedWithTransaction(Throwable cause, WriteFailures failures) {
    for (OpenBatch batch : batches) {
      if (!failedEarly.contains(batch)) {
        batch.fail(() -> failures.forCaller(cause, batch.describe(), batch.partitions()));
      }
    }
  }
}
