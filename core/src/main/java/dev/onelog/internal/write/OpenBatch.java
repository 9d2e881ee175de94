package dev.onelog.internal.write;

import dev.onelog.RecordMetadata;
import dev.onelog.TopicPartition;
import dev.onelog.internal.storage.RecordBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A partition's record batch that senders still append to: each {@code send} encodes its record
 * into the batch on the sending thread ({@link #tryAdd}), as Kafka's producer does into its
 * accumulator, so that the writer thread takes whole batches. The batch is queued for the writer
 * when its first record comes; the writer seals it when it takes it from the queue ({@link #seal}),
 * and later records start the partition's next batch. A batch also seals when full ({@link
 * RecordBatch#MAX_BATCH_BYTES}) and when a request of another kind is queued, so that a caller's
 * writes keep their order ({@link RecordAccumulator#sealAll}).
 *
 * <p>Once sealed it is the writer's alone: {@link BatchStep} stores it at the partition's next
 * offset and completes one future per record. Thread-safe: senders append under this object's
 * monitor, and the writer seals under it, so it reads the batch after the last append.
 */
final class OpenBatch extends WriteRequest {
  private static final int FIRST_CAPACITY = 1024;

  final String topic;
  final long topicId;
  final int partition;

  /** Guarded by this until sealed, then the writer's; null once finished. */
  private ByteBuffer out;

  /**
   * The batch's bytes with its header and CRC, at base offset 0: made by the sender whose record
   * did not fit, so that a full batch's copy and CRC are not the writer's work; else by the writer.
   * Guarded as {@code out}.
   */
  private byte[] finished;

  private CompletableFuture<RecordMetadata>[] futures;
  private long[] timestamps;
  private int count;

  /** Bytes of header and records written so far; guarded by this, and left as is when sealed. */
  private int usedBytes = RecordBatch.HEADER_BYTES;

  private long baseTimestampMs;
  private long maxTimestampMs = Long.MIN_VALUE;
  private long sizeBytes;
  private boolean allKeyed = true;
  private long heldPermits;
  private boolean sealed;

  /** Set by the writer: where the batch was stored. */
  private long baseOffset = -1;

  /**
   * @param previous the partition's batch before this one, or null: a batch starts with room for as
   *     many bytes and records as that one held, so that a busy partition's batches do not grow
   *     from 1 KiB by doubling (a sixth of the senders' CPU, measured), nor a quiet one's start
   *     large
   */
  OpenBatch(String topic, long topicId, int partition, OpenBatch previous) {
    super(0);
    this.topic = topic;
    this.topicId = topicId;
    this.partition = partition;
    int bytes = FIRST_CAPACITY;
    int records = 8;
    if (previous != null) {
      synchronized (previous) {
        bytes = Math.max(bytes, previous.usedBytes + previous.usedBytes / 8);
        records = Math.max(records, previous.count);
      }
    }
    out =
        ByteBuffer.allocate(Math.min(bytes, RecordBatch.HEADER_BYTES + RecordBatch.MAX_BATCH_BYTES))
            .position(RecordBatch.HEADER_BYTES);
    futures = newFutures(records);
    timestamps = new long[records];
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static CompletableFuture<RecordMetadata>[] newFutures(int length) {
    return new CompletableFuture[length];
  }

  /**
   * Encodes the record into the batch; {@code permits} is what the sender took of the write queue's
   * budget for it, released when the batch is done.
   *
   * @return its future, or null when the batch is sealed or has no room: start the next one
   */
  synchronized CompletableFuture<RecordMetadata> tryAdd(EncodedRecord record, int permits) {
    if (sealed) {
      return null;
    }
    if (count == 0) {
      baseTimestampMs = record.timestampMs();
    }
    int size =
        RecordBatch.recordSize(
            count,
            record.timestampMs() - baseTimestampMs,
            record.key(),
            record.value(),
            record.headers());
    int used = out.position() - RecordBatch.HEADER_BYTES;
    if (count > 0 && used + size > RecordBatch.MAX_BATCH_BYTES) {
      sealed = true;
      finish();
      return null;
    }
    if (out.remaining() < size) {
      grow(out.position() + size);
    }
    RecordBatch.putRecord(
        out,
        count,
        record.timestampMs() - baseTimestampMs,
        record.key(),
        record.value(),
        record.headers());
    if (count == futures.length) {
      futures = Arrays.copyOf(futures, count * 2);
      timestamps = Arrays.copyOf(timestamps, count * 2);
    }
    usedBytes = out.position();
    CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
    futures[count] = future;
    timestamps[count] = record.timestampMs();
    count++;
    maxTimestampMs = Math.max(maxTimestampMs, record.timestampMs());
    sizeBytes += record.sizeInBytes();
    allKeyed &= record.key() != null;
    heldPermits += permits;
    return future;
  }

  private void grow(int needed) {
    int capacity =
        Math.max(
            needed,
            (int)
                Math.min(
                    out.capacity() * 2L, RecordBatch.HEADER_BYTES + RecordBatch.MAX_BATCH_BYTES));
    ByteBuffer larger = ByteBuffer.allocate(capacity);
    larger.put(out.array(), 0, out.position());
    out = larger;
  }

  /** No record joins after this: the writer's from here. */
  synchronized void seal() {
    sealed = true;
  }

  int count() {
    return count;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  long maxTimestampMs() {
    return maxTimestampMs;
  }

  boolean allKeyed() {
    return allKeyed;
  }

  TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  /**
   * The batch's bytes for base offset {@code base}, header and CRC written; sealed only. The CRC
   * does not cover the base offset, so it is written last.
   */
  byte[] toBytes(long base) {
    baseOffset = base;
    if (finished == null) {
      finish();
    }
    ByteBuffer.wrap(finished).putLong(0, base);
    return finished;
  }

  private void finish() {
    RecordBatch.putHeader(
        out, 0, out.position(), 0, count - 1, baseTimestampMs, maxTimestampMs, count);
    finished = Arrays.copyOf(out.array(), out.position());
    out = null; // no sender touches it again, and the slot may keep this batch a while
  }

  /** After the commit that stored it: each record learns its offset. */
  void committed() {
    for (int i = 0; i < count; i++) {
      futures[i].complete(new RecordMetadata(topic, partition, baseOffset + i, timestamps[i]));
    }
    futures = null;
    timestamps = null;
  }

  /** Fails every record with an exception of its own, made by {@code failure}. */
  void fail(Supplier<? extends Throwable> failure) {
    seal();
    for (int i = 0; i < count; i++) {
      futures[i].completeExceptionally(failure.get());
    }
  }

  /** Fails every record with {@code cause} (the writer stopped or the log closed). */
  @Override
  void fail(Throwable cause) {
    fail(() -> cause);
  }

  @Override
  int permits(int maxQueuedBytes) {
    synchronized (this) {
      return (int) heldPermits;
    }
  }

  /** What the batch does, as "while ..." completes it: "appending 3 records to orders-0". */
  String describe() {
    return "appending "
        + (count == 1 ? "a record" : count + " records")
        + " to "
        + topic
        + "-"
        + partition;
  }

  List<TopicPartition> partitions() {
    return List.of(topicPartition());
  }
}
