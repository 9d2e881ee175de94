package dev.onelog.internal.kafka;

import dev.onelog.PartitionDescription;
import dev.onelog.TopicDescription;
import dev.onelog.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch, by topic name (versions 4 to 12) or by topic id (13 and later), without fetch sessions:
 * the response's session id is 0, so clients send full requests, which the protocol allows. Each
 * partition returns its stored batches as they are (the file stores Kafka record batches), from the
 * one holding the fetch offset, within the partition's and the response's byte limits (the first
 * partition with records returns at least one batch, however large, as Kafka does). When fewer than
 * {@code min_bytes} are found, the fetch parks ({@link ParkedFetches}) until records come or {@code
 * max_wait_ms} pass.
 *
 * <p>An offset below the partition's earliest or past its next offset is OFFSET_OUT_OF_RANGE; at
 * the next offset the partition answers with no records. The high watermark and last stable offset
 * are the next offset (every commit is stable: no transactions).
 */
final class FetchApi implements Api {
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
        BaseRecords records =
            stored(new TopicPartition(name, partition.partition()), offset, room, bytes == 0);
        out.setRecords(records);
        bytes += records.sizeInBytes();
      }
    }
    return anyError ? Long.MAX_VALUE : bytes;
  }

  /**
   * The stored batches from the one holding {@code offset}, as they are (a Kafka record batch is
   * what the file stores), within {@code room} bytes; the first one whatever its size when {@code
   * first} (the response's first records, which Kafka lets exceed the limits so that a consumer
   * always moves on), else only if it fits.
   */
  private BaseRecords stored(TopicPartition partition, long offset, long room, boolean first) {
    List<ByteBuffer> batches = new ArrayList<>();
    topics.log().batches().read(partition, offset, Math.max(1, room), batches::add);
    if (batches.isEmpty() || (!first && batches.get(0).remaining() > room)) {
      return MemoryRecords.EMPTY;
    }
    return batches.size() == 1
        ? MemoryRecords.readableRecords(batches.get(0))
        : new StoredRecords(batches);
  }
}
