package dev.onelog.internal.write;

import dev.onelog.RecordMetadata;
import dev.onelog.TopicPartition;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records that commit together, or not at all, and the future that learns their offsets: an atomic
 * list ({@code send(List)}) or a transaction's sends. Single sends go to their partition's {@link
 * OpenBatch} instead.
 */
public abstract sealed class AppendRequest extends WriteRequest permits AppendRequest.Batch {

  AppendRequest(int weightBytes) {
    super(weightBytes);
  }

  abstract int size();

  abstract EncodedRecord get(int index);

  /** Completes the future with one metadata per record, in order. */
  abstract void complete(RecordMetadata[] metadata);

  /** The partitions the records go to, for an error of this request's own. */
  List<TopicPartition> partitions() {
    return AppendStep.partitionsOf(this);
  }

  /** What the request does, as "while ..." completes it: "appending 3 records to orders-0". */
  String describe() {
    List<TopicPartition> partitions = partitions();
    return "appending "
        + (size() == 1 ? "a record" : size() + " records")
        + " to "
        + (partitions.size() == 1 ? partitions.get(0) : partitions);
  }

  static final class Batch extends AppendRequest {
    private final EncodedRecord[] records;
    final CompletableFuture<List<RecordMetadata>> future = new CompletableFuture<>();

    Batch(EncodedRecord[] records) {
      super(weight(records));
      this.records = records;
    }

    private static int weight(EncodedRecord[] records) {
      long total = 0;
      for (EncodedRecord record : records) {
        total += record.sizeInBytes() + OVERHEAD_BYTES;
      }
      return (int) Math.min(Integer.MAX_VALUE, total);
    }

    @Override
    int size() {
      return records.length;
    }

    @Override
    EncodedRecord get(int index) {
      return records[index];
    }

    @Override
    void complete(RecordMetadata[] metadata) {
      future.complete(Arrays.asList(metadata));
    }

    @Override
    void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  /** What a queued record costs beyond its bytes: the objects that carry it. */
  static final int OVERHEAD_BYTES = 128;
}
