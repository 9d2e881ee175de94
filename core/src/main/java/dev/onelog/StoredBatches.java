package dev.onelog;

import dev.onelog.internal.LogContext;
import dev.onelog.internal.read.PartitionReader;
import dev.onelog.internal.write.StoredBatchAppend;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The log's batches as they are stored: Kafka record batches, version 2 (docs/FORMAT.md section 3).
 * For code that speaks Kafka's formats, as onelog's Kafka server does: a batch a Kafka producer
 * sent is stored as it is, and a fetch sends stored batches as they are. Thread-safe; get it with
 * {@link OneLog#batches()}.
 */
public final class StoredBatches {
  private final LogContext context;

  StoredBatches(LogContext context) {
    this.context = context;
  }

  /**
   * Visits the stored batches holding the records from {@code fromOffset} on, in order, each whole
   * (the first one may start before {@code fromOffset}, as a Kafka broker's fetch does), until the
   * next one would take the bytes visited past {@code maxBytes}; the first is visited whatever its
   * size. Each batch's CRC is checked first. The buffer is the visitor's to keep. Returns how many
   * batches were visited.
   *
   * @throws CorruptRecordException when a batch does not match its CRC or its row
   */
  public int read(
      TopicPartition partition, long fromOffset, long maxBytes, Consumer<ByteBuffer> visitor) {
    Objects.requireNonNull(visitor, "visitor");
    return context.read(
        "reading the batches of " + partition,
        session ->
            PartitionReader.scanBatches(
                session,
                context.partitionTopic(partition, session),
                partition.partition(),
                fromOffset,
                maxBytes,
                visitor));
  }

  /**
   * Appends a Kafka record batch as it is, at the partition's next offset, in the next group
   * commit; completes with its base offset once committed. The batch must be of magic 2,
   * uncompressed, not transactional, its CRC right and its offsets contiguous; its base offset and
   * partition leader epoch are replaced. {@code batch} is not kept or changed.
   *
   * @throws InvalidRecordException when the batch cannot be stored as it is, saying why
   * @throws RecordTooLargeException when a record is over the log's maximum record size
   * @throws UnknownTopicException when the topic does not exist
   */
  public CompletableFuture<Long> append(TopicPartition partition, byte[] batch) {
    StoredBatchAppend.Checked checked = StoredBatchAppend.check(context, partition, batch);
    return context
        .writer()
        .submit(tx -> StoredBatchAppend.append(tx, checked), "appending a batch to " + partition);
  }
}
