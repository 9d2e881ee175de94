package dev.onelog.internal.kafka;

import dev.onelog.internal.kafka.group.GroupCoordinator;
import dev.onelog.internal.kafka.group.SyncRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * SyncGroup (v0-5): the leader hands in every member's assignment and each member gets its own; a
 * follower's answer waits for the leader's, without holding a thread.
 */
final class SyncGroupApi implements Api {
  private final GroupCoordinator coordinator;

  SyncGroupApi(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    SyncGroupRequestData data = ((SyncGroupRequest) request.body()).data();
    boolean namesProtocol = request.header().apiVersion() >= 5;
    Map<String, byte[]> assignments = new HashMap<>();
    for (SyncGroupRequestAssignment assignment : data.assignments()) {
      assignments.put(assignment.memberId(), assignment.assignment());
    }
    SyncRequest sync =
        new SyncRequest(
            data.groupId(),
            data.memberId(),
            data.groupInstanceId(),
            data.generationId(),
            namesProtocol ? data.protocolType() : null,
            namesProtocol ? data.protocolName() : null,
            assignments);
    return coordinator.sync(sync).thenApply(SyncGroupResponse::new);
  }
}
