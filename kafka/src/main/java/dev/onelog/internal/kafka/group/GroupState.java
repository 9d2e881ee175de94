package dev.onelog.internal.kafka.group;

/**
 * The states of a wire group, named as Kafka's classic coordinator names them in DescribeGroups and
 * ListGroups, and how a {@link ClassicGroup} moves between them:
 *
 * <pre>
 *                 first join (a new group)
 *   EMPTY ---------------------------------------> PREPARING_REBALANCE <-----------------+
 *     ^                                              |   ^   members join / rejoin;      |
 *     | the last member left or expired              |   |   completeJoin when all have, |
 *     | (completeJoin with no member left;           |   |   or at the rebalance timeout |
 *     |  the group goes DEAD and is forgotten)       |   |                               |
 *     +----------------------------------------------+   | a member joins, leaves,       |
 *                                                    |   | expires or changes protocols; |
 *                      completeJoin: generation + 1, |   | the leader rejoins;           |
 *                      protocol chosen, every member |   | a member does not sync in time|
 *                      answered, the leader with all |   |                               |
 *                      members' metadata             v   |                               |
 *                                          COMPLETING_REBALANCE                          |
 *                                                    |                                   |
 *                      the leader's SyncGroup:       |                                   |
 *                      every waiting SyncGroup gets  v                                   |
 *                      its member's assignment     STABLE -------------------------------+
 *
 *   any state --(DeleteGroups, or emptied)--> DEAD: removed from the coordinator's map
 * </pre>
 */
public enum GroupState {
  /** No members; a group in this state is forgotten at once (its offsets stay in the file). */
  EMPTY("Empty"),
  /** Waiting for every member to (re)join, until the rebalance timeout. */
  PREPARING_REBALANCE("PreparingRebalance"),
  /** Members have their join answers; waiting for the leader's assignment in SyncGroup. */
  COMPLETING_REBALANCE("CompletingRebalance"),
  /** Every member has its assignment; heartbeats keep the members in. */
  STABLE("Stable"),
  /** Deleted or emptied: no longer in the coordinator's map; requests that hold it look again. */
  DEAD("Dead");

  private final String kafkaName;

  GroupState(String kafkaName) {
    this.kafkaName = kafkaName;
  }

  /** The name Kafka's tools show and filter by. */
  public String kafkaName() {
    return kafkaName;
  }
}
