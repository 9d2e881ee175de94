package dev.onelog.group;

/** A group's state as {@link Groups#describe} sees it in the file. */
public enum GroupState {
  /** No live member; committed offsets may remain. */
  EMPTY,
  /** Members are live and every subscribed partition is held by the member it is assigned to. */
  STABLE,
  /** Some partition waits to move to the member it is now assigned to. */
  REBALANCING
}
