package dev.onelog.internal.group;

import dev.onelog.TopicPartition;
import dev.onelog.UnknownPartitionException;
import dev.onelog.UnknownTopicException;
import dev.onelog.group.CommitFailedException;
import dev.onelog.group.ConsumerGroupMetadata;
import dev.onelog.group.GroupNotEmptyException;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.internal.group.GroupTables.TopicRow;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.write.StepContext;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Offset commits, inside a write step: a member's (its own step, or a caller's {@code
 * log.transaction}) and a group's without members. A member's commit is fenced: for every partition
 * it names, the member must still hold the partition's lease; otherwise the whole step fails with
 * {@link CommitFailedException} and nothing of it is stored, so a member that lost a partition
 * never overwrites the new owner's progress. Stateless.
 */
public final class OffsetCommits {
  private OffsetCommits() {}

  /** A caller's transaction committing as a member. */
  public static void commitAsMember(
      StepContext tx, ConsumerGroupMetadata member, Map<TopicPartition, OffsetAndMetadata> offsets)
      throws SQLException {
    commit(tx, member.groupId(), member.memberId(), member.generation(), offsets);
  }

  static void commit(
      StepContext tx,
      String groupId,
      String memberId,
      long generation,
      Map<TopicPartition, OffsetAndMetadata> offsets)
      throws SQLException {
    StatementCache s = tx.statements();
    offsets.values().forEach(OffsetCommits::checkMetadata);
    if (!GroupTables.memberExists(s, groupId, memberId)) {
      TopicPartition first = offsets.isEmpty() ? null : offsets.keySet().iterator().next();
      throw new CommitFailedException(
          "member "
              + memberId
              + " is no longer in group '"
              + groupId
              + "' (its session expired, or a newer instance replaced it), so it may not commit"
              + " offsets; its partitions went to other members, which will process the records"
              + " after the last committed offsets again",
          groupId,
          memberId,
          first,
          null);
    }
    for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
      TopicPartition partition = entry.getKey();
      TopicRow topic = requirePartition(s, partition);
      String owner = GroupTables.owner(s, groupId, topic.id(), partition.partition());
      if (!memberId.equals(owner)) {
        throw new CommitFailedException(
            "member "
                + memberId
                + " of group '"
                + groupId
                + "' (generation "
                + generation
                + ") no longer holds "
                + partition
                + (owner == null ? ", which is being reassigned" : "; member " + owner + " does")
                + ", so its commit of offset "
                + entry.getValue().offset()
                + " was refused and nothing of this commit was stored",
            groupId,
            memberId,
            partition,
            owner);
      }
      GroupTables.commitOffset(
          s,
          groupId,
          topic.id(),
          partition.partition(),
          entry.getValue().offset(),
          entry.getValue().metadata(),
          tx.nowMs());
    }
  }

  /**
   * Commits offsets of a group without live members, creating the group when it does not exist.
   *
   * @throws GroupNotEmptyException when the group has live members
   */
  public static void commitWithoutMember(
      StepContext tx, String groupId, Map<TopicPartition, OffsetAndMetadata> offsets)
      throws SQLException {
    GroupIds.validate(groupId);
    offsets.values().forEach(OffsetCommits::checkMetadata);
    StatementCache s = tx.statements();
    requireNoLiveMembers(s, groupId, tx.nowMs(), "commit offsets without a member", false);
    if (GroupTables.group(s, groupId) == null) {
      GroupTables.insertGroup(s, groupId, dev.onelog.group.Assignor.STICKY, tx.nowMs());
    }
    for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
      TopicRow topic = requirePartition(s, entry.getKey());
      GroupTables.commitOffset(
          s,
          groupId,
          topic.id(),
          entry.getKey().partition(),
          entry.getValue().offset(),
          entry.getValue().metadata(),
          tx.nowMs());
    }
  }

  /**
   * @throws GroupNotEmptyException naming the live members
   */
  static void requireNoLiveMembers(StatementCache s, String groupId, long nowMs, String doing)
      throws SQLException {
    requireNoLiveMembers(s, groupId, nowMs, doing, true);
  }

  /**
   * @param countWire whether live wire members ({@link WireMembers}) count: not for what their
   *     coordinator does on their behalf (commits, deleting offsets of topics they do not read)
   * @throws GroupNotEmptyException naming the live members
   */
  static void requireNoLiveMembers(
      StatementCache s, String groupId, long nowMs, String doing, boolean countWire)
      throws SQLException {
    List<String> live =
        GroupTables.members(s, groupId).stream()
            .filter(m -> m.isLive(nowMs) && (countWire || !m.isWire()))
            .map(m -> m.memberId() + " (" + m.client() + ")")
            .toList();
    if (!live.isEmpty()) {
      throw new GroupNotEmptyException(
          "group '"
              + groupId
              + "' has live members "
              + live
              + ", so onelog will not "
              + doing
              + "; stop them (or wait for their sessions to expire) and try again",
          groupId,
          live);
    }
  }

  /**
   * @throws IllegalArgumentException when the metadata is over the limit
   */
  static void checkMetadata(OffsetAndMetadata offset) {
    if (offset.metadata().length() > OffsetAndMetadata.MAX_METADATA_LENGTH) {
      throw new IllegalArgumentException(
          "metadata is "
              + offset.metadata().length()
              + " characters; the limit is "
              + OffsetAndMetadata.MAX_METADATA_LENGTH
              + " (Kafka's offset.metadata.max.bytes default)");
    }
  }

  static TopicRow requirePartition(StatementCache s, TopicPartition partition) throws SQLException {
    TopicRow topic = GroupTables.topic(s, partition.topic());
    if (topic == null) {
      throw new UnknownTopicException(
          "topic '" + partition.topic() + "' does not exist; cannot commit offsets of it");
    }
    if (partition.partition() >= topic.partitions()) {
      throw new UnknownPartitionException(
          "topic '"
              + topic.name()
              + "' has no partition "
              + partition.partition()
              + "; its partitions are 0.."
              + (topic.partitions() - 1));
    }
    return topic;
  }
}
