package dev.onelog.internal.kafka;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator, one key (v0-3) or a batch of keys (v4+): the one node coordinates every group. A
 * transaction's (or a share group's) coordinator is refused with INVALID_REQUEST and a message
 * saying why: the server has none, and a producer with a transactional.id fails at once with that
 * message rather than retrying COORDINATOR_NOT_AVAILABLE until its max.block.ms.
 */
final class FindCoordinatorApi implements Api {
  private final ServerSettings settings;

  FindCoordinatorApi(ServerSettings settings) {
    this.settings = settings;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    FindCoordinatorRequestData data = ((FindCoordinatorRequest) request.body()).data();
    boolean batched = request.header().apiVersion() >= 4;
    List<String> keys = batched ? data.coordinatorKeys() : List.of(data.key());
    FindCoordinatorResponseData response = new FindCoordinatorResponseData();
    for (String key : keys) {
      Coordinator coordinator = coordinator(key, data.keyType());
      if (batched) {
        response.coordinators().add(coordinator);
      } else {
        response
            .setErrorCode(coordinator.errorCode())
            .setErrorMessage(coordinator.errorMessage())
            .setNodeId(coordinator.nodeId())
            .setHost(coordinator.host())
            .setPort(coordinator.port());
      }
    }
    return CompletableFuture.completedFuture(new FindCoordinatorResponse(response));
  }

  private Coordinator coordinator(String key, byte keyType) {
    Coordinator coordinator = new Coordinator().setKey(key);
    if (keyType == CoordinatorType.GROUP.id()) {
      return coordinator
          .setNodeId(ServerSettings.NODE_ID)
          .setHost(settings.advertisedHost())
          .setPort(settings.advertisedPort());
    }
    return coordinator
        .setErrorCode(Errors.INVALID_REQUEST.code())
        .setErrorMessage(
            "onelog's Kafka server coordinates consumer groups only (key type 0); key type "
                + keyType
                + " asks for a transaction or share-group coordinator, and Kafka transactions"
                + " are not supported: use the idempotent producer without transactional.id")
        .setNodeId(-1)
        .setHost("")
        .setPort(-1);
  }
}
