package dev.onelog.internal.kafka;

import dev.onelog.PartitionDescription;
import dev.onelog.ReadLimit;
import dev.onelog.TopicDescription;
import dev.onelog.TopicPartition;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch, by topic name (versions 4 to 12) or by topic id (13 and later), without fetch sessions:
 * the response's session id is 0, so clients send full requests, which the protocol allows. Each
 * partition returns its stored records from the fetch offset as one uncompressed batch, within the
 * partition's and the response's byte limits (the first partition with records returns at least
 * one, however large, as Kafka does). When fewer than {@code min_bytes} are found, the fetch parks
 * ({@link ParkedFetches}) until records come or {@code max_wait_ms} pass.
 *
 * <p>An offset below the partition's earliest or past its next offset is OFFSET_OUT_OF_RANGE; at
 * the next offset the partition answers with no records. The high watermark and last stable offset
 * are the next offset (every commit is stable: no transactions).
 */
final class FetchApi implements Api {
  /** Records one partition returns at most in one response, beside the byte limits. */
  static final int MAX_RECORDS_PER_PARTITION = 100_000;

  private final Topics topics;
  private final ParkedFetches parked;

  FetchApi(Topics topics, ParkedFetches parked) {
    this.topics = topics;
    this.parked = parked;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    FetchRequestData data = ((FetchRequest) request.body()).data();
    CompletableFuture<AbstractResponse> answer = new CompletableFuture<>();
    long seen = parked.commitsSeen();
    boolean waits = data.maxWaitMs() > 0 && data.minBytes() > 0;
    ParkedFetches.Parked fetch =
        last -> {
          FetchResponseData response = new FetchResponseData();
          long bytes = read(data, response);
          if (last || bytes >= data.minBytes() || response.errorCode() != 0) {
            answer.complete(FetchResponse.of(response));
            return true;
          }
          return false;
        };
    if (!fetch.retry(!waits)) {
      parked.park(fetch, data.maxWaitMs(), seen);
    }
    return answer;
  }

  /**
   * Fills the response; returns the bytes of records in it, or more than min when it has errors.
   */
  private long read(FetchRequestData data, FetchResponseData response) {
    long budget = data.maxBytes() > 0 ? data.maxBytes() : Integer.MAX_VALUE;
    long bytes = 0;
    boolean anyError = false;
    for (FetchRequestData.FetchTopic asked : data.topics()) {
      FetchableTopicResponse topicResponse =
          new FetchableTopicResponse().setTopic(asked.topic()).setTopicId(asked.topicId());
      response.responses().add(topicResponse);
      boolean byId = asked.topic() == null || asked.topic().isEmpty();
      Optional<TopicDescription> topic =
          byId ? topics.find(asked.topicId()) : topics.find(asked.topic());
      String name = topic.map(TopicDescription::name).orElse(asked.topic());
      for (FetchRequestData.FetchPartition partition : asked.partitions()) {
        PartitionData out =
            new PartitionData()
                .setPartitionIndex(partition.partition())
                .setRecords(MemoryRecords.EMPTY);
        topicResponse.partitions().add(out);
        if (topic.isEmpty() || partition.partition() >= topic.get().partitions().size()) {
          out.setErrorCode(
              (byId && topic.isEmpty()
                      ? Errors.UNKNOWN_TOPIC_ID
                      : Errors.UNKNOWN_TOPIC_OR_PARTITION)
                  .code());
          anyError = true;
          continue;
        }
        PartitionDescription state = topic.get().partitions().get(partition.partition());
        out.setHighWatermark(state.nextOffset())
            .setLastStableOffset(state.nextOffset())
            .setLogStartOffset(state.earliestOffset());
        long offset = partition.fetchOffset();
        if (offset < state.earliestOffset() || offset > state.nextOffset()) {
          out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
          anyError = true;
          continue;
        }
        long room = Math.min(partition.partitionMaxBytes(), budget - bytes);
        if (offset == state.nextOffset() || (room <= 0 && bytes > 0)) {
          continue;
        }
        KafkaRecords.BatchWriter batch =
            new KafkaRecords.BatchWriter(expectedBytes(state, offset, room));
        topics
            .log()
            .scan(
                new TopicPartition(name, partition.partition()),
                offset,
                new ReadLimit(MAX_RECORDS_PER_PARTITION, Math.max(1, room)),
                batch);
        MemoryRecords records = batch.build();
        out.setRecords(records);
        bytes += records.sizeInBytes();
      }
    }
    return anyError ? Long.MAX_VALUE : bytes;
  }

  /**
   * About how many bytes the records from {@code offset} take as a Kafka batch: the partition's
   * average record (key, value, headers) plus Kafka's per-record framing, up to the byte limit.
   */
  private static long expectedBytes(PartitionDescription state, long offset, long room) {
    long records = Math.min(state.nextOffset() - offset, MAX_RECORDS_PER_PARTITION);
    long average = state.recordCount() == 0 ? 64 : state.sizeInBytes() / state.recordCount();
    return DefaultRecordBatch.RECORD_BATCH_OVERHEAD
        + Math.min(records * (average + 24), room + room / 4 + 64);
  }
}
