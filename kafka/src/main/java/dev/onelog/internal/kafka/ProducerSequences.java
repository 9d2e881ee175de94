package dev.onelog.internal.kafka;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

/**
 * The idempotent producer's sequence numbers, per producer and partition: a batch whose sequences
 * were already stored (a retry after a lost response) is answered with the offset it got and not
 * stored again; a batch that skips sequences is refused with OUT_OF_ORDER_SEQUENCE_NUMBER; one of
 * an older epoch with INVALID_PRODUCER_EPOCH. The last {@link #WINDOW} batches are remembered, as
 * Kafka's broker does (a producer has at most five in flight).
 *
 * <p>Kept in memory: a server restart forgets them, so a retry that crosses a restart may be stored
 * twice, and a producer unknown to the server starts at whatever sequence it sends.
 *
 * <p>Thread-safe: guarded by this.
 */
final class ProducerSequences {
  static final int WINDOW = 5;

  private record Key(long producerId, String topic, int partition) {}

  private record Batch(int firstSequence, int lastSequence, CompletableFuture<Long> baseOffset) {}

  private static final class State {
    short epoch;
    int lastSequence;
    final ArrayDeque<Batch> recent = new ArrayDeque<>();
  }

  private final Map<Key, State> states = new HashMap<>();

  /**
   * What to do with a batch: null when it is new (the caller stores it and completes {@code
   * baseOffset}, or fails it so that a retry is stored), else the base offset of the stored batch
   * it repeats.
   *
   * @throws OutOfOrderSequenceException when sequences were skipped
   * @throws InvalidProducerEpochException when the epoch is older than the producer's last
   */
  synchronized CompletableFuture<Long> admit(
      long producerId,
      short epoch,
      String topic,
      int partition,
      int firstSequence,
      int lastSequence,
      CompletableFuture<Long> baseOffset) {
    Key key = new Key(producerId, topic, partition);
    State state = states.get(key);
    if (state == null || epoch > state.epoch) {
      state = new State();
      state.epoch = epoch;
      state.lastSequence = firstSequence - 1;
      states.put(key, state);
    } else if (epoch < state.epoch) {
      throw new InvalidProducerEpochException(
          "producer " + producerId + " sent epoch " + epoch + " after epoch " + state.epoch);
    }
    for (Batch batch : state.recent) {
      if (batch.firstSequence == firstSequence && batch.lastSequence == lastSequence) {
        return batch.baseOffset;
      }
    }
    if (firstSequence != state.lastSequence + 1) {
      throw new OutOfOrderSequenceException(
          "producer "
              + producerId
              + " sent sequence "
              + firstSequence
              + " to "
              + topic
              + "-"
              + partition
              + " after "
              + state.lastSequence);
    }
    Batch batch = new Batch(firstSequence, lastSequence, baseOffset);
    state.recent.addLast(batch);
    if (state.recent.size() > WINDOW) {
      state.recent.removeFirst();
    }
    state.lastSequence = lastSequence;
    State admitted = state;
    baseOffset.whenComplete(
        (offset, failure) -> {
          if (failure != null) {
            forget(admitted, batch);
          }
        });
    return null;
  }

  /** A batch that was not stored: its sequences may come again. */
  private synchronized void forget(State state, Batch batch) {
    if (state.recent.remove(batch) && state.lastSequence == batch.lastSequence) {
      state.lastSequence = batch.firstSequence - 1;
    }
  }
}
