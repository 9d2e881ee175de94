package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import dev.onelog.TopicPartition;
import dev.onelog.internal.kafka.group.GroupCoordinator;
import dev.onelog.internal.kafka.group.GroupCoordinator.MembersMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

/**
 * OffsetDelete (v0): deletes a group's committed offsets of some partitions from the file ({@code
 * log.groups().deleteOffsets}), as {@code kafka-consumer-groups --delete-offsets} asks. While the
 * group has wire members, a partition of a topic one of them subscribes to answers
 * GROUP_SUBSCRIBED_TO_TOPIC (the subscriptions are read from the members' consumer-protocol
 * metadata; a group of another protocol type answers NON_EMPTY_GROUP), as Kafka does. A group with
 * live embedded members answers NON_EMPTY_GROUP, one the file does not have GROUP_ID_NOT_FOUND, a
 * partition of no topic UNKNOWN_TOPIC_OR_PARTITION.
 */
final class OffsetDeleteApi implements Api {
  private final GroupCoordinator coordinator;
  private final Topics topics;

  OffsetDeleteApi(GroupCoordinator coordinator, Topics topics) {
    this.coordinator = coordinator;
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    OffsetDeleteRequestData data = ((OffsetDeleteRequest) request.body()).data();
    OffsetDeleteResponseData response = new OffsetDeleteResponseData();
    Optional<MembersMetadata> members = coordinator.membersMetadata(data.groupId());
    if (members.isPresent()
        && !members.get().protocolType().equals(ConsumerProtocol.PROTOCOL_TYPE)) {
      return done(response.setErrorCode(Errors.NON_EMPTY_GROUP.code()));
    }
    Predicate<String> subscribed =
        members.map(OffsetDeleteApi::subscriptions).orElse(topic -> false);
    List<TopicPartition> deletable = new ArrayList<>();
    for (OffsetDeleteRequestTopic topic : data.topics()) {
      OffsetDeleteResponseTopic out = new OffsetDeleteResponseTopic().setName(topic.name());
      response.topics().add(out);
      Optional<TopicDescription> found = topics.find(topic.name());
      for (OffsetDeleteRequestPartition partition : topic.partitions()) {
        Errors error = Errors.NONE;
        if (found.isEmpty()
            || partition.partitionIndex() < 0
            || partition.partitionIndex() >= found.get().partitions().size()) {
          error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (subscribed.test(topic.name())) {
          error = Errors.GROUP_SUBSCRIBED_TO_TOPIC;
        } else {
          deletable.add(new TopicPartition(topic.name(), partition.partitionIndex()));
        }
        out.partitions()
            .add(
                new OffsetDeleteResponsePartition()
                    .setPartitionIndex(partition.partitionIndex())
                    .setErrorCode(error.code()));
      }
    }
    try {
      if (!deletable.isEmpty() || members.isEmpty()) {
        topics.log().groups().deleteOffsets(data.groupId(), deletable);
      }
    } catch (RuntimeException e) {
      return done(new OffsetDeleteResponseData().setErrorCode(KafkaErrors.of(e).code()));
    }
    return done(response);
  }

  /** Whether any member subscribes to a topic; every topic when a subscription cannot be read. */
  private static Predicate<String> subscriptions(MembersMetadata members) {
    Set<String> topics = new HashSet<>();
    for (byte[] metadata : members.metadata()) {
      try {
        topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
      } catch (RuntimeException e) {
        return topic -> true;
      }
    }
    return topics::contains;
  }

  private static CompletableFuture<AbstractResponse> done(OffsetDeleteResponseData data) {
    return CompletableFuture.completedFuture(new OffsetDeleteResponse(data));
  }
}
