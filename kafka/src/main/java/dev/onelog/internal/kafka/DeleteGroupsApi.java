package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import dev.onelog.internal.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/**
 * DeleteGroups (v0-2): a group without members, wire or embedded, is deleted from the file with its
 * committed offsets ({@code log.groups().delete}); one with members answers NON_EMPTY_GROUP, one
 * the file does not have GROUP_ID_NOT_FOUND.
 */
final class DeleteGroupsApi implements Api {
  private final GroupCoordinator coordinator;
  private final OneLog log;

  DeleteGroupsApi(GroupCoordinator coordinator, OneLog log) {
    this.coordinator = coordinator;
    this.log = log;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    DeleteGroupsRequestData data = ((DeleteGroupsRequest) request.body()).data();
    DeleteGroupsResponseData response = new DeleteGroupsResponseData();
    for (String groupId : data.groupsNames()) {
      response
          .results()
          .add(new DeletableGroupResult().setGroupId(groupId).setErrorCode(delete(groupId).code()));
    }
    return CompletableFuture.completedFuture(new DeleteGroupsResponse(response));
  }

  private Errors delete(String groupId) {
    Errors wire = coordinator.forget(groupId);
    if (wire != Errors.NONE) {
      return wire;
    }
    try {
      log.groups().delete(groupId);
      return Errors.NONE;
    } catch (RuntimeException e) {
      return KafkaErrors.of(e);
    }
  }
}
