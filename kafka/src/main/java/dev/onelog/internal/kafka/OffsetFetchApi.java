package dev.onelog.internal.kafka;

import dev.onelog.TopicPartition;
import dev.onelog.group.OffsetAndMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch: one group (v1-7) or a batch (v8-9), by topic name, from the file ({@code
 * log.groups().committed}), so a consumer resumes from what any member of the group committed,
 * embedded or wire, before or after a restart. A partition without a committed offset answers -1;
 * null topics ask for every committed partition. Every committed offset is stable (no
 * transactions), so {@code require_stable} changes nothing.
 */
final class OffsetFetchApi implements Api {
  private final Topics topics;

  OffsetFetchApi(Topics topics) {
    this.topics = topics;
  }

  /** One group's question: null partitions for all of them. */
  private record Asked(String groupId, Map<String, List<Integer>> partitions) {}

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    OffsetFetchRequestData data = ((OffsetFetchRequest) request.body()).data();
    short version = request.header().apiVersion();
    OffsetFetchResponseData response = new OffsetFetchResponseData();
    if (version < 8) {
      Map<String, List<Integer>> partitions = null;
      if (data.topics() != null) {
        partitions = new LinkedHashMap<>();
        for (OffsetFetchRequestTopic topic : data.topics()) {
          partitions.put(topic.name(), topic.partitionIndexes());
        }
      }
      OffsetFetchResponseGroup group = fetch(new Asked(data.groupId(), partitions));
      response.setErrorCode(group.errorCode());
      for (OffsetFetchResponseTopics topic : group.topics()) {
        OffsetFetchResponseTopic out = new OffsetFetchResponseTopic().setName(topic.name());
        for (OffsetFetchResponsePartitions p : topic.partitions()) {
          out.partitions()
              .add(
                  new OffsetFetchResponsePartition()
                      .setPartitionIndex(p.partitionIndex())
                      .setCommittedOffset(p.committedOffset())
                      .setMetadata(p.metadata())
                      .setErrorCode(p.errorCode()));
        }
        response.topics().add(out);
      }
    } else {
      for (OffsetFetchRequestGroup group : data.groups()) {
        Map<String, List<Integer>> partitions = null;
        if (group.topics() != null) {
          partitions = new LinkedHashMap<>();
          for (OffsetFetchRequestTopics topic : group.topics()) {
            partitions.put(topic.name(), topic.partitionIndexes());
          }
        }
        response.groups().add(fetch(new Asked(group.groupId(), partitions)));
      }
    }
    return CompletableFuture.completedFuture(new OffsetFetchResponse(response, version));
  }

  private OffsetFetchResponseGroup fetch(Asked asked) {
    OffsetFetchResponseGroup group = new OffsetFetchResponseGroup().setGroupId(asked.groupId());
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = topics.log().groups().committed(asked.groupId());
    } catch (RuntimeException e) {
      return group.setErrorCode(KafkaErrors.of(e).code());
    }
    Map<String, List<Integer>> partitions = asked.partitions();
    if (partitions == null) {
      partitions = new LinkedHashMap<>();
      for (TopicPartition tp : committed.keySet()) {
        partitions.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
      }
    }
    for (Map.Entry<String, List<Integer>> topic : partitions.entrySet()) {
      OffsetFetchResponseTopics out = new OffsetFetchResponseTopics().setName(topic.getKey());
      for (int partition : topic.getValue()) {
        OffsetAndMetadata offset =
            partition < 0 ? null : committed.get(new TopicPartition(topic.getKey(), partition));
        out.partitions()
            .add(
                new OffsetFetchResponsePartitions()
                    .setPartitionIndex(partition)
                    .setCommittedOffset(offset == null ? -1 : offset.offset())
                    .setMetadata(offset == null ? "" : offset.metadata())
                    .setErrorCode(Errors.NONE.code()));
      }
      group.topics().add(out);
    }
    return group;
  }
}
