package dev.onelog.internal.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writer takes batches from the queue and then seals them one by one; a thread's records must
 * still commit in the order it sent them, across partitions. The interleaving KillNineIT met, made
 * by hand: the writer took the batches of partitions 0 and 1 and sealed partition 0's; a thread
 * then sends record A to partition 0 (a new batch, so the next commit) and record B to partition 1,
 * whose taken batch is not sealed yet. B must not join it: it would commit before A, and a kill
 * between the two commits would keep B without A.
 */
class RecordAccumulatorTest {
  private final List<OpenBatch> queued = new ArrayList<>();
  private final RecordAccumulator accumulator = new RecordAccumulator(queued::add);

  @Test
  void aRecordSentAfterTheWriterTookTheBatchesJoinsNoneOfThem() {
    accumulator.add(record(0), 0);
    accumulator.add(record(1), 0);
    List<OpenBatch> taken = new ArrayList<>(queued); // the writer drains the queue
    queued.clear();
    accumulator.nextGeneration();
    taken.get(0).seal(); // partition 0's batch sealed; partition 1's not yet

    accumulator.add(record(0), 0); // record A
    accumulator.add(record(1), 0); // record B
    taken.get(1).seal();

    assertEquals(1, taken.get(0).count());
    assertEquals(
        1, taken.get(1).count(), "record B joined a batch of the commit before record A's");
    assertEquals(2, queued.size(), "A and B each start a batch of the next commit");
    assertNotSame(taken.get(1), queued.get(1));
  }

  @Test
  void untilTheWriterTakesThemRecordsJoinTheirPartitionsOpenBatch() {
    for (int i = 0; i < 10; i++) {
      accumulator.add(record(i % 2), 0);
    }
    assertEquals(2, queued.size());
    assertEquals(5, queued.get(0).count());
    assertEquals(5, queued.get(1).count());
  }

  private static EncodedRecord record(int partition) {
    byte[] value = new byte[10];
    return new EncodedRecord("t", 1, partition, 1_000, null, value, null, value.length);
  }
}
