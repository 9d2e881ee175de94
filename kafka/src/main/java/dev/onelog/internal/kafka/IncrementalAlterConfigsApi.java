package dev.onelog.internal.kafka;

import dev.onelog.TopicSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs (versions 0 and 1, all that kafka-clients 4.1 decodes) for TOPIC
 * resources: SET a config, DELETE it (back to onelog's default), APPEND to or SUBTRACT from the
 * list {@code cleanup.policy}; the configs are those of {@link TopicConfigs}. A resource's
 * operations apply together, through one {@link dev.onelog.OneLog#alterTopic}, or not at all; with
 * validateOnly they are checked and nothing changes.
 *
 * <p>BROKER resources are refused with INVALID_CONFIG: the server's settings are fixed when it
 * starts ({@code KafkaServer.builder}). Other resource types get INVALID_REQUEST. A config named
 * twice in one resource is refused, as Kafka does.
 *
 * <p>Thread-safe: each resource is one call on the log from the worker thread.
 */
final class IncrementalAlterConfigsApi implements Api {
  private final Topics topics;

  IncrementalAlterConfigsApi(Topics topics) {
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    IncrementalAlterConfigsRequestData data =
        ((IncrementalAlterConfigsRequest) request.body()).data();
    IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
    for (AlterConfigsResource asked : data.resources()) {
      AlterConfigsResourceResponse result =
          new AlterConfigsResourceResponse()
              .setResourceType(asked.resourceType())
              .setResourceName(asked.resourceName());
      try {
        alter(asked, data.validateOnly());
      } catch (RuntimeException e) {
        ApiError error = KafkaErrors.apiError(e);
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
      }
      response.responses().add(result);
    }
    return CompletableFuture.completedFuture(new IncrementalAlterConfigsResponse(response));
  }

  private void alter(AlterConfigsResource asked, boolean validateOnly) {
    ConfigResource.Type type = ConfigResource.Type.forId(asked.resourceType());
    if (type == ConfigResource.Type.BROKER) {
      throw new InvalidConfigurationException(
          "broker configs are read-only on a onelog server: they are set when it starts"
              + " (KafkaServer.builder: defaultPartitions, autoCreateTopics); alter TOPIC configs"
              + " instead: "
              + TopicConfigs.names());
    }
    if (type != ConfigResource.Type.TOPIC) {
      throw new InvalidRequestException(
          "configs of " + type + " resources are not kept by onelog; alter TOPIC configs");
    }
    List<AlterableConfig> changes = List.copyOf(asked.configs());
    Set<String> named = new HashSet<>();
    for (AlterableConfig change : changes) {
      if (!named.add(change.name())) {
        throw new InvalidRequestException(
            "config " + change.name() + " is named twice; give each config once per topic");
      }
    }
    String topic = asked.resourceName();
    // Checked first against the current settings, so that a bad change is refused with its own
    // message rather than from inside the log's transaction; applied again there, to the settings
    // as they are when it commits.
    apply(topics.log().describeTopic(topic).spec(), changes);
    if (!validateOnly) {
      topics.log().alterTopic(topic, spec -> apply(spec, changes));
    }
  }

  private static TopicSpec apply(TopicSpec spec, List<AlterableConfig> changes) {
    for (AlterableConfig change : changes) {
      AlterConfigOp.OpType op = AlterConfigOp.OpType.forId(change.configOperation());
      if (op == null) {
        throw new InvalidRequestException(
            "operation "
                + change.configOperation()
                + " on config "
                + change.name()
                + " is not one of SET (0), DELETE (1), APPEND (2), SUBTRACT (3)");
      }
      spec =
          switch (op) {
            case SET -> TopicConfigs.set(spec, change.name(), change.value());
            case DELETE -> TopicConfigs.reset(spec, change.name());
            case APPEND -> TopicConfigs.append(spec, change.name(), change.value());
            case SUBTRACT -> TopicConfigs.subtract(spec, change.name(), change.value());
          };
    }
    return spec;
  }
}
