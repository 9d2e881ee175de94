package dev.onelog.internal.kafka.group;

/**
 * The states of a wire group, named as Kafka's classic coordinator names them in DescribeGroups and
 * ListGroups. The transitions are drawn in {@link ClassicGroup}.
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
