package dev.onelog.internal.write;

import dev.onelog.internal.storage.FileFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one turn of the writer commits, made from the requests it drained, in queue order: appends
 * of each kind queued next to each other make one step and steps keep queue order; barriers
 * complete after the transaction; Shutdown ends the writer. Sealing each batch taken is part of
 * planning: later sends start their partition's next batch.
 *
 * @param writtenBytes an estimate of the bytes of pages the transaction writes, for the
 *     checkpointer: the requests' bytes, a page per request and one for the {@code partitions} rows
 */
record TurnPlan(
    List<TransactionStep> steps,
    List<WriteRequest.Barrier> barriers,
    boolean shutdown,
    long writtenBytes) {

  static TurnPlan of(
      List<WriteRequest> drained,
      int maxQueuedBytes,
      AppendStep.Scratch scratch,
      Consumer<String> topicGone) {
    boolean shutdown = false;
    List<TransactionStep> steps = new ArrayList<>();
    List<WriteRequest.Barrier> barriers = new ArrayList<>();
    AppendStep appends = null;
    BatchStep batches = null;
    long written = FileFormat.PAGE_SIZE_BYTES;
    for (WriteRequest request : drained) {
      written += request.permits(maxQueuedBytes) + FileFormat.PAGE_SIZE_BYTES;
      if (request instanceof WriteRequest.Barrier barrier) {
        barriers.add(barrier); // everything drained with it shares one transaction
        continue;
      }
      if (request instanceof OpenBatch batch) {
        batch.seal();
        if (batches == null) {
          batches = new BatchStep(topicGone);
          steps.add(batches);
        }
        batches.add(batch);
        appends = null;
        continue;
      }
      batches = null;
      if (request instanceof AppendRequest append) {
        if (appends == null) {
          appends = new AppendStep(scratch, topicGone);
          steps.add(appends);
        }
        appends.add(append);
        continue;
      }
      appends = null;
      if (request instanceof StepRequest<?> step) {
        steps.add(step);
      } else if (request instanceof WriteRequest.Shutdown) {
        shutdown = true;
      }
    }
    return new TurnPlan(steps, barriers, shutdown, written);
  }
}
