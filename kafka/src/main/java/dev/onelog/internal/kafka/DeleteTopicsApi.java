package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * DeleteTopics (versions 1 to 6, all that kafka-clients 4.1 decodes): each topic, named or (version
 * 6) given by its {@link TopicIds id}, is deleted with its records and every group's offsets of it
 * ({@link dev.onelog.OneLog#deleteTopic}). A missing one is refused on its own:
 * UNKNOWN_TOPIC_OR_PARTITION with the known topics, or UNKNOWN_TOPIC_ID. Results carry both name
 * and id where known.
 *
 * <p>Thread-safe: each deletion is one call on the log from the worker thread.
 */
final class DeleteTopicsApi implements Api {
  private final Topics topics;

  DeleteTopicsApi(Topics topics) {
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    DeleteTopicsRequest delete = (DeleteTopicsRequest) request.body();
    DeleteTopicsResponseData response = new DeleteTopicsResponseData();
    Map<Uuid, TopicDescription> byId = null;
    for (DeleteTopicState asked : delete.topics()) {
      DeletableTopicResult result =
          new DeletableTopicResult().setName(asked.name()).setTopicId(asked.topicId());
      try {
        TopicDescription topic;
        if (asked.name() != null) {
          topic = topics.log().describeTopic(asked.name());
        } else {
          if (byId == null) {
            byId = topics.byId();
          }
          topic = byId.get(asked.topicId());
          if (topic == null) {
            throw new UnknownTopicIdException(
                "no topic has id "
                    + asked.topicId()
                    + "; known topics: "
                    + topics.log().topics()
                    + " (Metadata or describeTopics gives their ids)");
          }
        }
        result.setName(topic.name()).setTopicId(TopicIds.of(topic));
        topics.log().deleteTopic(topic.name());
      } catch (RuntimeException e) {
        ApiError error = KafkaErrors.apiError(e);
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
      }
      response.responses().add(result);
    }
    return CompletableFuture.completedFuture(new DeleteTopicsResponse(response));
  }
}
