package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;

/**
 * DescribeTopicPartitions (version 0, all that kafka-clients 4.1 decodes; the admin client's {@code
 * describeTopics} uses it): the topics asked for, or every topic when none is named, in name order,
 * each with its {@link TopicIds id} and partitions led by node 0, its only replica. At most {@code
 * responsePartitionLimit} partitions (capped at {@link #MAX_PARTITIONS}, Kafka's default) are
 * returned; when more remain, the next cursor names the topic and partition to go on from, and a
 * request's cursor starts there. A topic named but missing gets UNKNOWN_TOPIC_OR_PARTITION; unlike
 * Metadata, this never creates topics.
 *
 * <p>Thread-safe: reads only.
 */
final class DescribeTopicPartitionsApi implements Api {
  /** Kafka's {@code max.request.partition.size.limit} default. */
  static final int MAX_PARTITIONS = 2000;

  private final Topics topics;

  DescribeTopicPartitionsApi(Topics topics) {
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    DescribeTopicPartitionsRequestData data =
        ((DescribeTopicPartitionsRequest) request.body()).data();
    TreeSet<String> names = new TreeSet<>();
    if (data.topics().isEmpty()) {
      names.addAll(topics.log().topics());
    } else {
      data.topics().forEach(topic -> names.add(topic.name()));
    }
    String fromTopic = data.cursor() == null ? null : data.cursor().topicName();
    int fromPartition = data.cursor() == null ? 0 : Math.max(0, data.cursor().partitionIndex());
    int room = Math.max(1, Math.min(data.responsePartitionLimit(), MAX_PARTITIONS));

    DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
    for (String name : fromTopic == null ? names : names.tailSet(fromTopic, true)) {
      Optional<TopicDescription> found = topics.find(name);
      if (found.isEmpty()) {
        response
            .topics()
            .add(
                new DescribeTopicPartitionsResponseTopic()
                    .setName(name)
                    .setTopicId(Uuid.ZERO_UUID)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        continue;
      }
      TopicDescription topic = found.get();
      int first = name.equals(fromTopic) ? fromPartition : 0;
      int count = topic.partitions().size();
      if (room == 0) {
        response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(first));
        break;
      }
      int last = Math.min(count, first + room);
      response.topics().add(topic(topic, first, last));
      room -= last - first;
      if (last < count) {
        response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(last));
        break;
      }
    }
    return CompletableFuture.completedFuture(new DescribeTopicPartitionsResponse(response));
  }

  /** The topic with its partitions {@code first} (inclusive) to {@code last} (exclusive). */
  private static DescribeTopicPartitionsResponseTopic topic(
      TopicDescription topic, int first, int last) {
    List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>();
    for (int partition = first; partition < last; partition++) {
      partitions.add(
          new DescribeTopicPartitionsResponsePartition()
              .setPartitionIndex(partition)
              .setLeaderId(ServerSettings.NODE_ID)
              .setLeaderEpoch(0)
              .setReplicaNodes(List.of(ServerSettings.NODE_ID))
              .setIsrNodes(List.of(ServerSettings.NODE_ID))
              .setEligibleLeaderReplicas(List.of())
              .setLastKnownElr(List.of())
              .setOfflineReplicas(List.of()));
    }
    return new DescribeTopicPartitionsResponseTopic()
        .setName(topic.name())
        .setTopicId(TopicIds.of(topic))
        .setIsInternal(false)
        .setPartitions(partitions);
  }
}
