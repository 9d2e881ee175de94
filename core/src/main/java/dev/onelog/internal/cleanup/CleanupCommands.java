package dev.onelog.internal.cleanup;

import dev.onelog.CleanupReport;
import dev.onelog.CorruptRecordException;
import dev.onelog.OffsetOutOfRangeException;
import dev.onelog.TopicPartition;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.util.HashMap;
import java.util.Map;

/**
 * What callers ask of retention and compaction, each run through the writer as steps of the group
 * commit: {@code onelog compact} (everything, now, in slices that let appends through) and {@code
 * deleteRecordsBefore}. Stateless.
 */
public final class CleanupCommands {
  private CleanupCommands() {}

  /**
   * Runs retention, compaction (ignoring the dirty ratio and the compaction lag) and vacuum to the
   * end of the log as it was when the call began, one bounded step after another.
   */
  public static CleanupReport compactNow(LogContext context, Cleaner cleaner) {
    Map<Object, Long> ends = new HashMap<>(); // touched only by the writer thread, step by step
    CleanupReport total = CleanupReport.NONE;
    while (true) {
      Cleaner.Slice slice =
          LogContext.await(
              context.writer().submit(tx -> cleaner.forcedSlice(tx, ends), "compacting the log"));
      total = total.plus(slice.report());
      if (!slice.more) {
        return total;
      }
    }
  }

  /**
   * Deletes the partition's records below {@code offset}; returns its earliest offset afterwards.
   *
   * @throws OffsetOutOfRangeException when the offset is negative or past the next offset
   */
  public static long deleteRecordsBefore(
      LogContext context, TopicPartition partition, long offset) {
    return LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  PartitionState state = PartitionState.find(tx.statements(), partition);
                  if (state == null) {
                    TopicMeta topic = TopicCatalog.read(tx.connection(), partition.topic());
                    if (topic == null) {
                      throw context.catalog().unknownTopic(partition.topic());
                    }
                    TopicCatalog.requirePartition(topic, partition.partition());
                    // The topic has the partition but the partitions table has no row for it.
                    throw new CorruptRecordException(
                        "the partitions table has no row for "
                            + partition
                            + ", whose topic says it exists: the file was damaged or edited."
                            + " Run 'onelog verify' to list what is damaged");
                  }
                  if (offset < 0 || offset > state.nextOffset()) {
                    throw new OffsetOutOfRangeException(
                        partition, offset, state.logStartOffset(), state.nextOffset());
                  }
                  if (offset <= state.logStartOffset()) {
                    return state.logStartOffset();
                  }
                  PartitionEdit edit = new PartitionEdit(tx.statements(), state);
                  Retention.deleteBefore(edit, tx.statements(), offset);
                  edit.apply();
                  return offset;
                },
                "deleting the records of " + partition + " before offset " + offset));
  }
}
