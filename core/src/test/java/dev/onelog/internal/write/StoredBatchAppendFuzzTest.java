package dev.onelog.internal.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onelog.CleanupPolicy;
import dev.onelog.InvalidRecordException;
import dev.onelog.RecordTooLargeException;
import dev.onelog.TopicSpec;
import dev.onelog.internal.Allocations;
import dev.onelog.internal.storage.RecordBatch;
import dev.onelog.internal.storage.TopicMeta;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzzes {@link StoredBatchAppend#check}, which decides whether a Kafka producer's batch is stored
 * as it came. Contract on arbitrary bytes: a {@link StoredBatchAppend.Checked} or
 * InvalidRecordException / RecordTooLargeException, never another exception, allocating in
 * proportion to the input.
 *
 * <p>The input's first byte picks the topic (even: delete policy, odd: compacted); the rest is the
 * batch, whose Kafka CRC the test sets before the check (when it is long enough to hold one), so
 * that the fuzzer reaches the records rather than stopping at the CRC. Regression inputs: {@code
 * StoredBatchAppendFuzzTestInputs/checkAcceptsOrRefuses/}.
 */
class StoredBatchAppendFuzzTest {
  private static final TopicMeta DELETE = TopicMeta.of(1, TopicSpec.named("t"), 0);
  private static final TopicMeta COMPACTED =
      TopicMeta.of(2, TopicSpec.named("c").withCleanupPolicy(CleanupPolicy.COMPACT), 0);
  private static final int MAX_RECORD_BYTES = 1024;

  @FuzzTest(maxDuration = "3m")
  void checkAcceptsOrRefuses(byte[] input) {
    if (input.length < 1) {
      return;
    }
    TopicMeta topic = (input[0] & 1) == 0 ? DELETE : COMPACTED;
    byte[] batch = Arrays.copyOfRange(input, 1, input.length);
    if (batch.length >= RecordBatch.HEADER_BYTES) {
      ByteBuffer.wrap(batch).putInt(17, (int) RecordBatch.kafkaCrc(batch));
    }
    Allocations.assertAtMost(
        1024 * 1024 + 256L * input.length,
        "checking a batch",
        () -> {
          try {
            StoredBatchAppend.check(topic, 0, batch, MAX_RECORD_BYTES);
          } catch (InvalidRecordException | RecordTooLargeException expected) {
            // the documented refusals
          }
        });
  }
}
