package dev.onelog.internal.kafka;

import dev.onelog.TopicPartition;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords (versions 0 to 2, all that kafka-clients 4.1 decodes): each partition's records
 * below the offset asked for are deleted ({@link dev.onelog.OneLog#deleteRecordsBefore}), offset -1
 * meaning the high watermark (every record stored); the result's low watermark is the partition's
 * earliest offset afterwards. An offset past the end, or negative other than -1, gets
 * OFFSET_OUT_OF_RANGE; a missing topic or partition UNKNOWN_TOPIC_OR_PARTITION. The response has no
 * message field, so those codes are all a client sees.
 *
 * <p>Thread-safe: each partition is one call on the log from the worker thread.
 */
final class DeleteRecordsApi implements Api {
  private final Topics topics;

  DeleteRecordsApi(Topics topics) {
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    DeleteRecordsRequestData data = ((DeleteRecordsRequest) request.body()).data();
    DeleteRecordsResponseData response = new DeleteRecordsResponseData();
    for (DeleteRecordsTopic asked : data.topics()) {
      DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(asked.name());
      for (DeleteRecordsPartition partition : asked.partitions()) {
        DeleteRecordsPartitionResult result =
            new DeleteRecordsPartitionResult().setPartitionIndex(partition.partitionIndex());
        TopicPartition tp = new TopicPartition(asked.name(), partition.partitionIndex());
        try {
          long before =
              partition.offset() == DeleteRecordsRequest.HIGH_WATERMARK
                  ? topics.log().nextOffset(tp)
                  : partition.offset();
          result.setLowWatermark(topics.log().deleteRecordsBefore(tp, before));
        } catch (RuntimeException e) {
          result
              .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK)
              .setErrorCode(KafkaErrors.apiError(e).error().code());
        }
        topicResult.partitions().add(result);
      }
      response.topics().add(topicResult);
    }
    return CompletableFuture.completedFuture(new DeleteRecordsResponse(response));
  }
}
