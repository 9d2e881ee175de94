package dev.onelog.internal.kafka.group;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The choice of a group's protocol (for consumers: its assignor), as Kafka's classic coordinator
 * makes it: among the protocols every member supports, each member votes for the first in its own
 * order of preference, and the most votes win (a tie goes to the first in the first member's
 * order). Stateless; called under the group's monitor.
 */
final class ProtocolVote {
  private ProtocolVote() {}

  /**
   * Whether a joining member's protocols fit the group: a protocol type and at least one protocol,
   * and, when the group has members, the group's type and a protocol every member supports.
   */
  static boolean accepts(JoinRequest request, String protocolType, Collection<Member> members) {
    if (request.protocolType() == null
        || request.protocolType().isEmpty()
        || request.protocols().isEmpty()) {
      return false;
    }
    if (members.isEmpty()) {
      return true;
    }
    if (!request.protocolType().equals(protocolType)) {
      return false;
    }
    Set<String> candidates = candidates(members);
    return request.protocols().keySet().stream().anyMatch(candidates::contains);
  }

  /** The protocols every member supports, in the first member's order; empty without members. */
  static Set<String> candidates(Collection<Member> members) {
    Set<String> common = null;
    for (Member member : members) {
      if (common == null) {
        common = new LinkedHashSet<>(member.protocols.keySet());
      } else {
        common.retainAll(member.protocols.keySet());
      }
    }
    return common == null ? Set.of() : common;
  }

  /**
   * The protocol the members choose.
   *
   * @throws IllegalStateException when no protocol is supported by all, which the checks at join
   *     time rule out
   */
  static String select(Collection<Member> members) {
    Set<String> candidates = candidates(members);
    Map<String, Integer> votes = new LinkedHashMap<>();
    candidates.forEach(name -> votes.put(name, 0));
    for (Member member : members) {
      votes.merge(member.vote(candidates), 1, Integer::sum);
    }
    String best = null;
    for (Map.Entry<String, Integer> entry : votes.entrySet()) {
      if (best == null || entry.getValue() > votes.get(best)) {
        best = entry.getKey();
      }
    }
    if (best == null) {
      throw new IllegalStateException("the group's members support no common protocol");
    }
    return best;
  }
}
