package dev.onelog.internal.kafka.group;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The answers of JoinGroup and SyncGroup: a member's view of its group's generation (the leader's
 * JoinGroup answer with every member's metadata for the chosen protocol), and errors, filled so
 * that every version encodes them (a protocol name of "" where versions before 7 cannot write
 * null). Called under the group's monitor.
 */
final class GroupAnswers {
  private GroupAnswers() {}

  static JoinGroupResponseData join(ClassicGroup group, Member member) {
    JoinGroupResponseData answer =
        new JoinGroupResponseData()
            .setGenerationId(group.generation())
            .setProtocolType(group.protocolType())
            .setProtocolName(group.protocolName())
            .setLeader(group.leaderId())
            .setMemberId(member.memberId);
    if (member.memberId.equals(group.leaderId())) {
      for (Member m : group.members()) {
        answer
            .members()
            .add(
                new JoinGroupResponseMember()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.instanceId)
                    .setMetadata(m.protocols.get(group.protocolName())));
      }
    }
    return answer;
  }

  static SyncGroupResponseData sync(ClassicGroup group, Member member) {
    return new SyncGroupResponseData()
        .setProtocolType(group.protocolType())
        .setProtocolName(group.protocolName())
        .setAssignment(member.assignment);
  }

  static JoinGroupResponseData joinError(Errors error, String memberId) {
    return new JoinGroupResponseData()
        .setErrorCode(error.code())
        .setGenerationId(-1)
        .setProtocolName("")
        .setLeader("")
        .setMemberId(memberId);
  }

  static SyncGroupResponseData syncError(Errors error) {
    return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
  }

  /** Answers a member's waiting JoinGroup and SyncGroup, if any, with {@code error}. */
  static void failWaiting(Member member, Errors error, Completions done) {
    if (member.awaitingJoin != null) {
      done.complete(member.awaitingJoin, GroupAnswers.joinError(error, member.memberId));
      member.awaitingJoin = null;
    }
    if (member.awaitingSync != null) {
      done.complete(member.awaitingSync, GroupAnswers.syncError(error));
      member.awaitingSync = null;
    }
  }
}
