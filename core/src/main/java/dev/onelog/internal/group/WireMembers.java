package dev.onelog.internal.group;

import dev.onelog.group.Assignor;
import dev.onelog.group.InconsistentGroupProtocolException;
import dev.onelog.group.WireMember;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.write.StepContext;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Members that a coordinator outside this library keeps (onelog serve's Kafka consumers), as rows
 * of {@code group_members} whose {@code client} starts with {@value #CLIENT_PREFIX}: they show in
 * the file and in {@code describe}, hold no leases, take no part in this library's rebalances, and
 * keep embedded members out of their group while live. Their coordinator refreshes them; a row left
 * by a coordinator that stopped expires as any member's does. Stateless; on the writer thread.
 */
public final class WireMembers {
  /** What a wire member's {@code client} column starts with. */
  public static final String CLIENT_PREFIX = "wire:";

  private WireMembers() {}

  /**
   * Replaces the group's wire member rows with {@code members}, heartbeat now, creating the group
   * when it does not exist. A member keeps its {@code joined_at_ms} from one call to the next.
   *
   * @throws InconsistentGroupProtocolException when the group has live embedded members
   */
  public static void record(StepContext tx, String groupId, List<WireMember> members)
      throws SQLException {
    StatementCache s = tx.statements();
    long now = tx.nowMs();
    if (GroupTables.group(s, groupId) == null) {
      if (members.isEmpty()) {
        return;
      }
      GroupTables.insertGroup(s, groupId, Assignor.RANGE, now);
    }
    Map<String, Long> joinedAt = new HashMap<>();
    for (MemberRow row : GroupTables.members(s, groupId)) {
      if (!row.isWire()) {
        if (row.isLive(now) && !members.isEmpty()) {
          throw new InconsistentGroupProtocolException(
              "group '"
                  + groupId
                  + "' has live embedded members ("
                  + row.memberId()
                  + " of "
                  + row.client()
                  + "); a group is either embedded or on the wire at one time",
              groupId);
        }
        continue;
      }
      joinedAt.put(row.memberId(), row.joinedAtMs());
      GroupTables.removeMember(s, groupId, row.memberId());
    }
    for (WireMember member : members) {
      GroupTables.insertMember(
          s,
          new MemberRow(
              groupId,
              member.memberId(),
              member.instanceId(),
              CLIENT_PREFIX + member.client(),
              member.topics().isEmpty()
                  ? Subscription.pattern(Pattern.compile(""))
                  : Subscription.topics(member.topics()),
              member.sessionTimeout().toMillis(),
              joinedAt.getOrDefault(member.memberId(), now),
              now));
    }
  }

  /**
   * @throws InconsistentGroupProtocolException when {@code members} has a live wire member
   */
  static void refuseEmbeddedJoin(String groupId, List<MemberRow> members, long nowMs) {
    for (MemberRow member : members) {
      if (member.isWire() && member.isLive(nowMs)) {
        throw new InconsistentGroupProtocolException(
            "group '"
                + groupId
                + "' has members connected over the Kafka protocol (onelog serve), such as "
                + member.memberId()
                + " of "
                + member.client().substring(CLIENT_PREFIX.length())
                + "; a group is either embedded or on the wire at one time: use another group"
                + " id, or stop those consumers first",
            groupId);
      }
    }
  }
}
