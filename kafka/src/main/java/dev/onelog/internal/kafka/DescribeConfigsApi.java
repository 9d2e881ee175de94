package dev.onelog.internal.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * DescribeConfigs (versions 1 to 4, all that kafka-clients 4.1 decodes) for two resource types:
 *
 * <ul>
 *   <li>TOPIC: the configs of {@link TopicConfigs} with the topic's values; a value equal to
 *       onelog's default has source DEFAULT_CONFIG, any other DYNAMIC_TOPIC_CONFIG.
 *   <li>BROKER (node 0, or "" for the defaults): a read-only view of what the server does: {@code
 *       num.partitions}, {@code auto.create.topics.enable}, {@code default.replication.factor} and
 *       the topic configs' defaults under their broker names ({@code log.cleanup.policy}, ...).
 * </ul>
 *
 * With synonyms asked for, each entry lists itself as its one synonym. Other resource types, and
 * other brokers, are refused with INVALID_REQUEST and a message. onelog keeps no {@code
 * max.message.bytes}-style limit per topic, and the log's record size limit is not in its public
 * API, so neither is listed.
 *
 * <p>Thread-safe: reads only.
 */
final class DescribeConfigsApi implements Api {
  private final Topics topics;
  private final ServerSettings settings;

  DescribeConfigsApi(Topics topics, ServerSettings settings) {
    this.topics = topics;
    this.settings = settings;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    DescribeConfigsRequestData data = ((DescribeConfigsRequest) request.body()).data();
    DescribeConfigsResponseData response = new DescribeConfigsResponseData();
    for (DescribeConfigsResource asked : data.resources()) {
      DescribeConfigsResult result =
          new DescribeConfigsResult()
              .setResourceType(asked.resourceType())
              .setResourceName(asked.resourceName());
      try {
        for (TopicConfigs.Value value : values(asked)) {
          if (asked.configurationKeys() == null
              || asked.configurationKeys().contains(value.name())) {
            result.configs().add(entry(asked, value, data));
          }
        }
      } catch (RuntimeException e) {
        ApiError error = KafkaErrors.apiError(e);
        result
            .setErrorCode(error.error().code())
            .setErrorMessage(error.message())
            .setConfigs(new ArrayList<>());
      }
      response.results().add(result);
    }
    return CompletableFuture.completedFuture(new DescribeConfigsResponse(response));
  }

  private List<TopicConfigs.Value> values(DescribeConfigsResource asked) {
    ConfigResource.Type type = ConfigResource.Type.forId(asked.resourceType());
    if (type == ConfigResource.Type.TOPIC) {
      return TopicConfigs.describe(topics.log().describeTopic(asked.resourceName()).spec());
    }
    if (type != ConfigResource.Type.BROKER) {
      throw new InvalidRequestException(
          "configs of "
              + type
              + " resources are not kept by onelog; describe TOPIC or BROKER configs");
    }
    String node = Integer.toString(ServerSettings.NODE_ID);
    if (!asked.resourceName().isEmpty() && !asked.resourceName().equals(node)) {
      throw new InvalidRequestException(
          "broker '"
              + asked.resourceName()
              + "' is not this server; it is the only broker, node "
              + node
              + " (or give \"\" for the defaults)");
    }
    List<TopicConfigs.Value> values = new ArrayList<>();
    values.add(
        new TopicConfigs.Value(
            "num.partitions",
            Integer.toString(settings.defaultPartitions()),
            settings.defaultPartitions() == 1,
            ConfigType.INT,
            "Partitions of a topic created without a count (auto-created, or -1)."));
    values.add(
        new TopicConfigs.Value(
            "auto.create.topics.enable",
            Boolean.toString(settings.autoCreateTopics()),
            settings.autoCreateTopics(),
            ConfigType.BOOLEAN,
            "Whether Metadata and Produce create a missing topic they name."));
    values.add(
        new TopicConfigs.Value(
            "default.replication.factor",
            "1",
            true,
            ConfigType.SHORT,
            "One broker holds the only copy of each partition."));
    values.addAll(TopicConfigs.brokerDefaults());
    return values;
  }

  private static DescribeConfigsResourceResult entry(
      DescribeConfigsResource asked, TopicConfigs.Value value, DescribeConfigsRequestData data) {
    boolean topic = asked.resourceType() == ConfigResource.Type.TOPIC.id();
    ConfigSource source =
        value.isDefault()
            ? ConfigSource.DEFAULT_CONFIG
            : topic ? ConfigSource.TOPIC_CONFIG : ConfigSource.STATIC_BROKER_CONFIG;
    DescribeConfigsResourceResult entry =
        new DescribeConfigsResourceResult()
            .setName(value.name())
            .setValue(value.value())
            .setReadOnly(!topic)
            .setIsSensitive(false)
            .setConfigSource(source.id())
            .setConfigType(value.type().id())
            .setDocumentation(data.includeDocumentation() ? value.documentation() : null);
    if (data.includeSynonyms()) {
      entry
          .synonyms()
          .add(
              new DescribeConfigsSynonym()
                  .setName(value.name())
                  .setValue(value.value())
                  .setSource(source.id()));
    }
    return entry;
  }
}
