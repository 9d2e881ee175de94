package dev.onelog.internal.write;

import dev.onelog.RecordMetadata;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The open batch of each partition that single sends go to ({@link OpenBatch}): a send encodes its
 * record into its partition's open batch, or starts the next one and queues it for the writer. The
 * writer then takes one request per batch and completes one future per record, instead of taking
 * and batching every record itself (docs/BENCHMARKS.md, "Batches built by the senders").
 *
 * <p>Thread-safe: each partition's slot is locked while a record joins its batch or a new batch is
 * queued, so batches are queued in the order their first records came.
 */
final class RecordAccumulator {
  /** A partition's current open batch and the generation it was opened in; guarded by the slot. */
  private static final class Slot {
    OpenBatch open;
    long generation;
  }

  /**
   * Moved on by the writer each time it takes batches ({@link #nextGeneration}); a batch opened in
   * an earlier generation takes no more records. Written by the writer thread only.
   */
  private volatile long generation;

  private final ConcurrentHashMap<PartitionKey, Slot> slots = new ConcurrentHashMap<>();
  private final Consumer<OpenBatch> queue;

  /**
   * @param queue queues a new batch for the writer
   */
  RecordAccumulator(Consumer<OpenBatch> queue) {
    this.queue = queue;
  }

  /** Adds the record to its partition's open batch, queueing a new batch when needed. */
  CompletableFuture<RecordMetadata> add(EncodedRecord record, int permits) {
    Slot slot =
        slots.computeIfAbsent(
            new PartitionKey(record.topicId(), record.partition()), k -> new Slot());
    synchronized (slot) {
      long current = generation;
      if (slot.open != null && slot.generation == current) {
        CompletableFuture<RecordMetadata> future = slot.open.tryAdd(record, permits);
        if (future != null) {
          return future;
        }
      }
      OpenBatch batch =
          new OpenBatch(record.topic(), record.topicId(), record.partition(), slot.open);
      CompletableFuture<RecordMetadata> future = batch.tryAdd(record, permits);
      slot.open = batch;
      slot.generation = current;
      queue.accept(batch);
      return future;
    }
  }

  /**
   * Called by the writer after it took requests from the queue and before it seals the batches
   * among them: from here on every send starts a new batch, for the next commit. Sealing the taken
   * batches one by one is not enough: a thread's record could miss a batch the writer had just
   * sealed and go to the next commit while its next record, to another partition, still joined a
   * batch the writer had yet to seal, which commits first; a kill between the two commits then kept
   * the later record without the earlier (KillNineIT caught it).
   */
  void nextGeneration() {
    generation = generation + 1;
  }

  /**
   * Seals every open batch, once a request of another kind was queued: a record sent after that
   * request must not join a batch queued before it.
   */
  void sealAll() {
    for (Slot slot : slots.values()) {
      synchronized (slot) {
        if (slot.open != null) {
          slot.open.seal();
          slot.open = null;
        }
      }
    }
  }
}
