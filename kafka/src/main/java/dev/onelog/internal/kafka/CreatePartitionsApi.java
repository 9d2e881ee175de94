package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import dev.onelog.TopicSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/**
 * CreatePartitions (versions 0 to 3, all that kafka-clients 4.1 decodes): raises each topic's
 * partition count through {@link dev.onelog.OneLog#createPartitions}. Partitions are only ever
 * added, so a count at or below the current one is refused with INVALID_PARTITIONS, as is one above
 * {@link TopicSpec#MAX_PARTITIONS}; an assignment must put each new partition on broker 0 alone.
 * With validateOnly every check runs and nothing changes.
 *
 * <p>Thread-safe: each topic is one call on the log from the worker thread.
 */
final class CreatePartitionsApi implements Api {
  private final Topics topics;

  CreatePartitionsApi(Topics topics) {
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    CreatePartitionsRequestData data = ((CreatePartitionsRequest) request.body()).data();
    CreatePartitionsResponseData response = new CreatePartitionsResponseData();
    for (CreatePartitionsTopic asked : data.topics()) {
      CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(asked.name());
      try {
        TopicDescription topic = topics.log().describeTopic(asked.name());
        check(topic, asked);
        if (!data.validateOnly()) {
          create(asked);
        }
      } catch (RuntimeException e) {
        ApiError error = KafkaErrors.apiError(e);
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
      }
      response.results().add(result);
    }
    return CompletableFuture.completedFuture(new CreatePartitionsResponse(response));
  }

  private static void check(TopicDescription topic, CreatePartitionsTopic asked) {
    int current = topic.partitions().size();
    if (asked.count() <= current || asked.count() > TopicSpec.MAX_PARTITIONS) {
      throw new InvalidPartitionsException(
          "topic '"
              + topic.name()
              + "' has "
              + current
              + " partition(s) and partitions are never removed; give a count from "
              + (current + 1)
              + " to "
              + TopicSpec.MAX_PARTITIONS
              + ", was "
              + asked.count());
    }
    if (asked.assignments() == null) {
      return;
    }
    if (asked.assignments().size() != asked.count() - current) {
      throw new InvalidReplicaAssignmentException(
          "the assignment for topic '"
              + topic.name()
              + "' has "
              + asked.assignments().size()
              + " entries; it needs one for each of the "
              + (asked.count() - current)
              + " new partition(s), or none at all");
    }
    for (CreatePartitionsAssignment assignment : asked.assignments()) {
      if (!assignment.brokerIds().equals(List.of(ServerSettings.NODE_ID))) {
        throw new InvalidReplicaAssignmentException(
            "a new partition of topic '"
                + topic.name()
                + "' is assigned to brokers "
                + assignment.brokerIds()
                + "; this server is one broker, so give ["
                + ServerSettings.NODE_ID
                + "]");
      }
    }
  }

  private void create(CreatePartitionsTopic asked) {
    try {
      topics.log().createPartitions(asked.name(), asked.count());
    } catch (IllegalArgumentException e) {
      // Another client changed the count since the check: the log's message says how.
      throw new InvalidPartitionsException(e.getMessage());
    }
  }
}
