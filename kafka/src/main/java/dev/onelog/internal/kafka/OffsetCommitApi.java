package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import dev.onelog.TopicPartition;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.internal.kafka.group.GroupCoordinator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/**
 * OffsetCommit (v2-9, by topic name) into the file, through {@code log.groups().commitOffsets}: one
 * write transaction for the request's valid partitions, so {@code log.groups().committed(group)}
 * shows what the consumer committed and a restart keeps it. The member and generation are checked
 * by the {@link GroupCoordinator} first (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * REBALANCE_IN_PROGRESS for every partition); a commit without them (generation -1, a consumer that
 * assigns its own partitions) is taken while the group has no wire members. An unknown partition
 * gets UNKNOWN_TOPIC_OR_PARTITION and metadata over the limit OFFSET_METADATA_TOO_LARGE, alone; a
 * group with live embedded members refuses the whole commit with NON_EMPTY_GROUP.
 */
final class OffsetCommitApi implements Api {
  private final GroupCoordinator coordinator;
  private final Topics topics;

  OffsetCommitApi(GroupCoordinator coordinator, Topics topics) {
    this.coordinator = coordinator;
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    OffsetCommitRequestData data = ((OffsetCommitRequest) request.body()).data();
    Errors member =
        data.groupId().isEmpty()
            ? Errors.INVALID_GROUP_ID
            : coordinator.checkCommit(
                data.groupId(),
                data.memberId(),
                data.groupInstanceId(),
                data.generationIdOrMemberEpoch());
    Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
    Map<TopicPartition, OffsetAndMetadata> valid = new LinkedHashMap<>();
    Map<String, Optional<TopicDescription>> found = new HashMap<>();
    for (OffsetCommitRequestTopic topic : data.topics()) {
      Optional<TopicDescription> description = found.computeIfAbsent(topic.name(), topics::find);
      for (OffsetCommitRequestPartition partition : topic.partitions()) {
        TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
        String metadata =
            partition.committedMetadata() == null ? "" : partition.committedMetadata();
        if (member != Errors.NONE) {
          errors.put(tp, member);
        } else if (description.isEmpty()
            || partition.partitionIndex() < 0
            || partition.partitionIndex() >= description.get().partitions().size()) {
          errors.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        } else if (metadata.length() > OffsetAndMetadata.MAX_METADATA_LENGTH) {
          errors.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
        } else if (partition.committedOffset() < 0) {
          errors.put(tp, Errors.INVALID_COMMIT_OFFSET_SIZE);
        } else {
          errors.put(tp, Errors.NONE);
          valid.put(tp, new OffsetAndMetadata(partition.committedOffset(), metadata));
        }
      }
    }
    if (!valid.isEmpty()) {
      try {
        topics.log().groups().commitOffsets(data.groupId(), valid);
      } catch (RuntimeException e) {
        Errors error = KafkaErrors.of(e);
        valid.keySet().forEach(tp -> errors.put(tp, error));
      }
    }
    return CompletableFuture.completedFuture(new OffsetCommitResponse(response(errors)));
  }

  private static OffsetCommitResponseData response(Map<TopicPartition, Errors> errors) {
    Map<String, OffsetCommitResponseTopic> byTopic = new LinkedHashMap<>();
    OffsetCommitResponseData response = new OffsetCommitResponseData();
    errors.forEach(
        (tp, error) ->
            byTopic
                .computeIfAbsent(
                    tp.topic(),
                    name -> {
                      OffsetCommitResponseTopic topic =
                          new OffsetCommitResponseTopic().setName(name);
                      response.topics().add(topic);
                      return topic;
                    })
                .partitions()
                .add(
                    new OffsetCommitResponsePartition()
                        .setPartitionIndex(tp.partition())
                        .setErrorCode(error.code())));
    return response;
  }
}
