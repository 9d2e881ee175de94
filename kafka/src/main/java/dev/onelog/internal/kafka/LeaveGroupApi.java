package dev.onelog.internal.kafka;

import dev.onelog.internal.kafka.group.GroupCoordinator;
import dev.onelog.internal.kafka.group.GroupCoordinator.Leaving;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/**
 * LeaveGroup: one member (v0-2, its error at the top level) or a batch, static members by instance
 * id (v3-5, an error per member). The group rebalances without them at once, rather than after
 * their session timeout.
 */
final class LeaveGroupApi implements Api {
  private final GroupCoordinator coordinator;

  LeaveGroupApi(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    LeaveGroupRequest leave = (LeaveGroupRequest) request.body();
    List<MemberIdentity> members = leave.members();
    List<Leaving> leaving = new ArrayList<>();
    for (MemberIdentity member : members) {
      leaving.add(new Leaving(member.memberId(), member.groupInstanceId()));
    }
    List<Errors> errors = coordinator.leave(leave.data().groupId(), leaving);
    List<MemberResponse> responses = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      responses.add(
          new MemberResponse()
              .setMemberId(members.get(i).memberId())
              .setGroupInstanceId(members.get(i).groupInstanceId())
              .setErrorCode(errors.get(i).code()));
    }
    return CompletableFuture.completedFuture(
        new LeaveGroupResponse(responses, Errors.NONE, 0, request.header().apiVersion()));
  }
}
