package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import dev.onelog.internal.kafka.group.GroupCoordinator;
import dev.onelog.internal.kafka.group.GroupState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;

/**
 * DescribeGroups (v0-6): a wire group with members as its coordinator has it (state, protocol, each
 * member's metadata and assignment); a group the file has but no wire member uses as an Empty
 * consumer group; any other as Dead, as Kafka answers a group it does not know, with
 * GROUP_ID_NOT_FOUND from v6 on.
 */
final class DescribeGroupsApi implements Api {
  private final GroupCoordinator coordinator;
  private final OneLog log;

  DescribeGroupsApi(GroupCoordinator coordinator, OneLog log) {
    this.coordinator = coordinator;
    this.log = log;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    DescribeGroupsRequestData data = ((DescribeGroupsRequest) request.body()).data();
    DescribeGroupsResponseData response = new DescribeGroupsResponseData();
    boolean notFoundIsError = request.header().apiVersion() >= 6;
    List<String> inFile = log.groups().list();
    for (String groupId : data.groups()) {
      Optional<DescribedGroup> wire = coordinator.describe(groupId);
      DescribedGroup group =
          wire.orElseGet(
              () ->
                  new DescribedGroup()
                      .setGroupId(groupId)
                      .setErrorCode(Errors.NONE.code())
                      .setGroupState(
                          (inFile.contains(groupId) ? GroupState.EMPTY : GroupState.DEAD)
                              .kafkaName())
                      .setProtocolType(inFile.contains(groupId) ? ListGroupsApi.CONSUMER : "")
                      .setProtocolData(""));
      if (wire.isEmpty() && !inFile.contains(groupId) && notFoundIsError) {
        group
            .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
            .setErrorMessage("group '" + groupId + "' does not exist; known groups: " + inFile);
      }
      response.groups().add(group);
    }
    return CompletableFuture.completedFuture(new DescribeGroupsResponse(response));
  }
}
