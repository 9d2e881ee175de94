package dev.onelog.internal.kafka;

import dev.onelog.InvalidTopicException;
import dev.onelog.PartitionDescription;
import dev.onelog.TopicDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: one broker, leader and only replica of every partition, and the topics asked for (all
 * of them when the request says so), each missing one created when the server and the client allow
 * it. A topic asked for by id (version 10 and later) is found among the topics by its {@link
 * TopicIds id}.
 */
final class MetadataApi implements Api {
  private final Topics topics;
  private final ServerSettings settings;

  MetadataApi(Topics topics, ServerSettings settings) {
    this.topics = topics;
    this.settings = settings;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    MetadataRequest metadata = (MetadataRequest) request.body();
    MetadataRequestData data = metadata.data();
    short version = request.header().apiVersion();
    MetadataResponseData response =
        new MetadataResponseData()
            .setClusterId(ServerSettings.CLUSTER_ID)
            .setControllerId(ServerSettings.NODE_ID);
    response
        .brokers()
        .add(
            new MetadataResponseBroker()
                .setNodeId(ServerSettings.NODE_ID)
                .setHost(settings.advertisedHost())
                .setPort(settings.advertisedPort()));
    if (metadata.isAllTopics()) {
      for (String name : topics.log().topics()) {
        topics.find(name).ifPresent(topic -> response.topics().add(topic(topic)));
      }
    } else {
      boolean allowCreate = version < 4 || data.allowAutoTopicCreation();
      Map<Uuid, TopicDescription> byId = null;
      for (MetadataRequestData.MetadataRequestTopic asked : data.topics()) {
        if (asked.name() == null) {
          if (byId == null) {
            byId = topics.byId();
          }
          TopicDescription topic = byId.get(asked.topicId());
          response
              .topics()
              .add(
                  topic != null
                      ? topic(topic)
                      : new MetadataResponseTopic()
                          .setTopicId(asked.topicId())
                          .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
          continue;
        }
        response.topics().add(named(asked.name(), allowCreate));
      }
    }
    return CompletableFuture.completedFuture(new MetadataResponse(response, version));
  }

  private MetadataResponseTopic named(String name, boolean allowCreate) {
    try {
      Optional<TopicDescription> topic = topics.findOrCreate(name, allowCreate);
      if (topic.isPresent()) {
        return topic(topic.get());
      }
      return new MetadataResponseTopic()
          .setName(name)
          .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    } catch (InvalidTopicException e) {
      return new MetadataResponseTopic()
          .setName(name)
          .setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
    }
  }

  private static MetadataResponseTopic topic(TopicDescription topic) {
    List<MetadataResponsePartition> partitions = new ArrayList<>();
    for (PartitionDescription partition : topic.partitions()) {
      partitions.add(
          new MetadataResponsePartition()
              .setPartitionIndex(partition.partition())
              .setLeaderId(ServerSettings.NODE_ID)
              .setLeaderEpoch(0)
              .setReplicaNodes(List.of(ServerSettings.NODE_ID))
              .setIsrNodes(List.of(ServerSettings.NODE_ID))
              .setOfflineReplicas(List.of()));
    }
    return new MetadataResponseTopic()
        .setName(topic.name())
        .setTopicId(TopicIds.of(topic))
        .setIsInternal(false)
        .setPartitions(partitions);
  }
}
