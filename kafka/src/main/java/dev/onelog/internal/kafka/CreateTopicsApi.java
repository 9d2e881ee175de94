package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import dev.onelog.TopicExistsException;
import dev.onelog.TopicSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * CreateTopics (versions 2 to 7, all that kafka-clients 4.1 decodes): each topic is created with
 * its partitions and the configs of {@link TopicConfigs}, or refused on its own with a code and a
 * message that says what would be right. Partitions -1 takes the server's default; the replication
 * factor must be 1 or -1 (one broker holds the only copy); a manual assignment must put every
 * partition on broker 0 alone. With validateOnly every check runs and nothing is created.
 *
 * <p>A created topic's result carries its {@link TopicIds id} (version 7), partitions, replication
 * factor 1 and every supported config with its source (version 5 and later); a validated one the
 * same with the zero id, as it has none yet.
 *
 * <p>Thread-safe: each topic is one {@link dev.onelog.OneLog#createTopic} on the worker thread.
 */
final class CreateTopicsApi implements Api {
  private final Topics topics;
  private final ServerSettings settings;

  CreateTopicsApi(Topics topics, ServerSettings settings) {
    this.topics = topics;
    this.settings = settings;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    CreateTopicsRequestData data = ((CreateTopicsRequest) request.body()).data();
    CreateTopicsResponseData response = new CreateTopicsResponseData();
    for (CreatableTopic asked : data.topics()) {
      CreatableTopicResult result = new CreatableTopicResult().setName(asked.name());
      try {
        TopicSpec spec = spec(asked);
        Uuid id = Uuid.ZERO_UUID;
        if (data.validateOnly()) {
          refuseExisting(spec.name());
        } else {
          TopicDescription created = topics.log().createTopic(spec);
          spec = created.spec();
          id = TopicIds.of(created);
        }
        result
            .setTopicId(id)
            .setNumPartitions(spec.partitions())
            .setReplicationFactor((short) 1)
            .setConfigs(configs(spec));
      } catch (RuntimeException e) {
        ApiError error = KafkaErrors.apiError(e);
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
      }
      response.topics().add(result);
    }
    return CompletableFuture.completedFuture(new CreateTopicsResponse(response));
  }

  private TopicSpec spec(CreatableTopic asked) {
    Topic.validate(asked.name());
    TopicSpec spec = TopicSpec.named(asked.name()).withPartitions(partitions(asked));
    for (CreatableTopicConfig config : asked.configs()) {
      spec = TopicConfigs.set(spec, config.name(), config.value());
    }
    return spec;
  }

  private int partitions(CreatableTopic asked) {
    if (!asked.assignments().isEmpty()) {
      return assignedPartitions(asked);
    }
    short replicas = asked.replicationFactor();
    if (replicas != CreateTopicsRequest.NO_REPLICATION_FACTOR && replicas != 1) {
      throw new InvalidReplicationFactorException(
          "replication factor "
              + replicas
              + " is not possible: this server is one broker (node "
              + ServerSettings.NODE_ID
              + ") and holds the only copy of each partition; give 1, or -1 for the default");
    }
    int count = asked.numPartitions();
    if (count == CreateTopicsRequest.NO_NUM_PARTITIONS) {
      return settings.defaultPartitions();
    }
    if (count < 1 || count > TopicSpec.MAX_PARTITIONS) {
      throw new InvalidPartitionsException(
          "partition count "
              + count
              + " is not valid; give 1 to "
              + TopicSpec.MAX_PARTITIONS
              + ", or -1 for the server's default ("
              + settings.defaultPartitions()
              + ")");
    }
    return count;
  }

  /** A manual assignment: partitions 0..n-1, each on broker 0 alone. */
  private static int assignedPartitions(CreatableTopic asked) {
    if (asked.numPartitions() != CreateTopicsRequest.NO_NUM_PARTITIONS
        || asked.replicationFactor() != CreateTopicsRequest.NO_REPLICATION_FACTOR) {
      throw new InvalidRequestException(
          "topic '"
              + asked.name()
              + "' has both a manual assignment and a partition count or replication factor;"
              + " give one or the other (the count and factor as -1 with an assignment)");
    }
    int count = asked.assignments().size();
    Set<Integer> seen = new HashSet<>();
    for (CreatableReplicaAssignment assignment : asked.assignments()) {
      if (assignment.partitionIndex() < 0
          || assignment.partitionIndex() >= count
          || !seen.add(assignment.partitionIndex())) {
        throw new InvalidReplicaAssignmentException(
            "the assignment of topic '"
                + asked.name()
                + "' names partition "
                + assignment.partitionIndex()
                + " out of range or twice; with "
                + count
                + " partition(s) assigned they must be numbered 0 to "
                + (count - 1)
                + ", each once");
      }
      if (!assignment.brokerIds().equals(List.of(ServerSettings.NODE_ID))) {
        throw new InvalidReplicaAssignmentException(
            "partition "
                + assignment.partitionIndex()
                + " of topic '"
                + asked.name()
                + "' is assigned to brokers "
                + assignment.brokerIds()
                + "; this server is one broker, so give ["
                + ServerSettings.NODE_ID
                + "]");
      }
    }
    return count;
  }

  private void refuseExisting(String name) {
    topics
        .find(name)
        .ifPresent(
            topic -> {
              throw new TopicExistsException(
                  "topic '"
                      + name
                      + "' exists already, with "
                      + topic.partitions().size()
                      + " partition(s); choose another name or delete it first");
            });
  }

  private static List<CreatableTopicConfigs> configs(TopicSpec spec) {
    return TopicConfigs.describe(spec).stream()
        .map(
            config ->
                new CreatableTopicConfigs()
                    .setName(config.name())
                    .setValue(config.value())
                    .setReadOnly(false)
                    .setIsSensitive(false)
                    .setConfigSource(
                        (config.isDefault()
                                ? ConfigSource.DEFAULT_CONFIG
                                : ConfigSource.TOPIC_CONFIG)
                            .id()))
        .toList();
  }
}
