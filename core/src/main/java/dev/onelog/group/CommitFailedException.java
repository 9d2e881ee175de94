package dev.onelog.group;

import dev.onelog.OneLogException;
import dev.onelog.TopicPartition;

/**
 * A member committed an offset of a partition it no longer holds: the group rebalanced and the
 * partition went to another member (or its session expired), so the commit would overwrite the new
 * owner's progress. Nothing of the commit was stored. Records processed since the last successful
 * commit will be processed again by the new owner.
 */
public class CommitFailedException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String groupId;
  private final String memberId;
  private final TopicPartition partition;
  private final String currentOwner;

  public CommitFailedException(
      String message,
      String groupId,
      String memberId,
      TopicPartition partition,
      String currentOwner) {
    super(message);
    this.groupId = groupId;
    this.memberId = memberId;
    this.partition = partition;
    this.currentOwner = currentOwner;
  }

  public String groupId() {
    return groupId;
  }

  public String memberId() {
    return memberId;
  }

  public TopicPartition partition() {
    return partition;
  }

  /** The member that holds the partition now, or null when none does. */
  public String currentOwner() {
    return currentOwner;
  }
}
