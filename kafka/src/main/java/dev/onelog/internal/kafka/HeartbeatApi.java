package dev.onelog.internal.kafka;

import dev.onelog.internal.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;

/**
 * Heartbeat (v0-4): keeps the member's session; REBALANCE_IN_PROGRESS tells it to rejoin,
 * ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID that it missed a rebalance or was removed.
 */
final class HeartbeatApi implements Api {
  private final GroupCoordinator coordinator;

  HeartbeatApi(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    HeartbeatRequestData data = ((HeartbeatRequest) request.body()).data();
    return CompletableFuture.completedFuture(
        new HeartbeatResponse(
            new HeartbeatResponseData()
                .setErrorCode(
                    coordinator
                        .heartbeat(
                            data.groupId(),
                            data.memberId(),
                            data.groupInstanceId(),
                            data.generationId())
                        .code())));
  }
}
