package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import dev.onelog.group.InvalidGroupIdException;
import dev.onelog.group.UnknownGroupException;
import dev.onelog.internal.kafka.group.GroupCoordinator;
import dev.onelog.internal.kafka.group.JoinRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

/**
 * JoinGroup (v0-9): the member joins or rejoins its group; the answer comes when the group's join
 * phase ends ({@link GroupCoordinator}), without holding a thread meanwhile. A group is either wire
 * or embedded at one time: the first member of a group that has live embedded members ({@code
 * log.groups().consumer}) is refused with INCONSISTENT_GROUP_PROTOCOL, which the Java consumer
 * reports as an InconsistentGroupProtocolException; an id the file cannot store offsets for (blank,
 * over 249 characters) is refused with INVALID_GROUP_ID.
 */
final class JoinGroupApi implements Api {
  private final GroupCoordinator coordinator;
  private final OneLog log;

  JoinGroupApi(GroupCoordinator coordinator, OneLog log) {
    this.coordinator = coordinator;
    this.log = log;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    JoinGroupRequestData data = ((JoinGroupRequest) request.body()).data();
    short version = request.header().apiVersion();
    Errors inFile = coordinator.isActive(data.groupId()) ? Errors.NONE : fileGroup(data.groupId());
    if (inFile != Errors.NONE) {
      return CompletableFuture.completedFuture(
          new JoinGroupResponse(GroupCoordinator.joinError(inFile, data.memberId()), version));
    }
    Map<String, byte[]> protocols = new LinkedHashMap<>();
    for (JoinGroupRequestProtocol protocol : data.protocols()) {
      protocols.put(protocol.name(), protocol.metadata());
    }
    int rebalanceTimeoutMs =
        version >= 1 && data.rebalanceTimeoutMs() > 0
            ? data.rebalanceTimeoutMs()
            : data.sessionTimeoutMs();
    JoinRequest join =
        new JoinRequest(
            data.groupId(),
            data.memberId(),
            data.groupInstanceId(),
            String.valueOf(request.header().clientId()),
            request.clientHost(),
            data.sessionTimeoutMs(),
            rebalanceTimeoutMs,
            data.protocolType(),
            protocols,
            version >= 4 && data.groupInstanceId() == null);
    return coordinator.join(join).thenApply(answer -> new JoinGroupResponse(answer, version));
  }

  /**
   * Whether the file lets the group have wire members: not while it has live embedded members, and
   * not under an id the file cannot store offsets for (blank, over 249 characters).
   */
  private Errors fileGroup(String groupId) {
    try {
      boolean embedded =
          log.groups().describe(groupId).members().stream().anyMatch(m -> !m.isWire());
      return embedded ? Errors.INCONSISTENT_GROUP_PROTOCOL : Errors.NONE;
    } catch (UnknownGroupException e) {
      return Errors.NONE;
    } catch (InvalidGroupIdException e) {
      return Errors.INVALID_GROUP_ID;
    }
  }
}
