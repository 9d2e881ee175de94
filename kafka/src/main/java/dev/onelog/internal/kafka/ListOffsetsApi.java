package dev.onelog.internal.kafka;

import dev.onelog.LogRecord;
import dev.onelog.PartitionDescription;
import dev.onelog.ReadLimit;
import dev.onelog.TopicDescription;
import dev.onelog.TopicPartition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets: the earliest offset (also for "earliest local"), the latest (the next offset), or
 * the first offset whose timestamp is at or after the one asked for, with that record's timestamp
 * (offset -1 when none is, which the Java consumer's {@code offsetsForTimes} reads as null), or the
 * record with the largest timestamp ({@code OneLog.largestTimestamp}).
 */
final class ListOffsetsApi implements Api {
  private final Topics topics;

  ListOffsetsApi(Topics topics) {
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    ListOffsetsRequestData data = ((ListOffsetsRequest) request.body()).data();
    ListOffsetsResponseData response = new ListOffsetsResponseData();
    for (ListOffsetsRequestData.ListOffsetsTopic asked : data.topics()) {
      ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(asked.name());
      response.topics().add(topicResponse);
      Optional<TopicDescription> topic = topics.find(asked.name());
      for (ListOffsetsRequestData.ListOffsetsPartition partition : asked.partitions()) {
        ListOffsetsPartitionResponse out =
            new ListOffsetsPartitionResponse()
                .setPartitionIndex(partition.partitionIndex())
                .setTimestamp(RecordBatch.NO_TIMESTAMP)
                .setOffset(-1);
        if (request.header().apiVersion() >= 4) {
          out.setLeaderEpoch(0); // not ignorable: writing it in versions before 4 fails
        }
        topicResponse.partitions().add(out);
        if (topic.isEmpty() || partition.partitionIndex() >= topic.get().partitions().size()) {
          out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
          continue;
        }
        PartitionDescription state = topic.get().partitions().get(partition.partitionIndex());
        long timestamp = partition.timestamp();
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
            || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
          out.setOffset(state.earliestOffset());
        } else if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP
            || timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
          out.setOffset(state.nextOffset());
        } else if (timestamp >= 0) {
          TopicPartition tp = new TopicPartition(asked.name(), partition.partitionIndex());
          OptionalLong offset =
              topics.log().offsetForTimestamp(tp, Instant.ofEpochMilli(timestamp));
          if (offset.isPresent()) {
            List<LogRecord> found = topics.log().read(tp, offset.getAsLong(), ReadLimit.records(1));
            out.setOffset(offset.getAsLong())
                .setTimestamp(found.isEmpty() ? timestamp : found.get(0).timestampMs());
          }
        } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
          topics
              .log()
              .largestTimestamp(new TopicPartition(asked.name(), partition.partitionIndex()))
              .ifPresent(
                  record -> out.setOffset(record.offset()).setTimestamp(record.timestampMs()));
        } else {
          out.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        }
      }
    }
    return CompletableFuture.completedFuture(new ListOffsetsResponse(response));
  }
}
