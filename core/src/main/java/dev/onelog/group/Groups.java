package dev.onelog.group;

import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.internal.LogContext;
import dev.onelog.internal.group.GroupIds;
import dev.onelog.internal.group.GroupQueries;
import dev.onelog.internal.group.OffsetCommits;
import dev.onelog.internal.group.WireMembers;
import dev.onelog.internal.read.ReaderSessions;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consumer groups of a log, from {@link OneLog#groups()}: members that share partitions ({@link
 * #consumer}), and the groups as the file records them: list, describe (members, leases, committed
 * offsets, lag), reset, delete, and commits of an external coordinator ({@link #commitOffsets}). A
 * group exists from its first member's join or first commit until it is deleted; its committed
 * offsets outlive its members.
 *
 * <p>The tables behind it are documented in docs/FORMAT.md, so another program can read committed
 * offsets and lag with SQL. Thread-safe.
 */
public final class Groups {
  private final LogContext context;

  private Groups(LogContext context) {
    this.context = context;
  }

  /** For {@link OneLog#groups()}. */
  public static Groups of(LogContext context) {
    return new Groups(context);
  }

  /**
   * A builder of a member of the group; at least its topics are needed: {@code
   * log.groups().consumer("billing").topics("orders").open()}.
   *
   * @throws InvalidGroupIdException when the group id is empty, blank or too long
   */
  public GroupConsumer.Builder consumer(String groupId) {
    context.ensureOpen();
    return new GroupConsumer.Builder(context, groupId);
  }

  /** The ids of every group in the file, sorted. */
  public List<String> list() {
    return context.read("listing groups", GroupQueries::groupIds);
  }

  /**
   * The group's state, generation, live members with their partitions, and committed offsets with
   * the lag of each partition, as of one snapshot of the file.
   *
   * @throws UnknownGroupException listing the known groups
   */
  public GroupDescription describe(String groupId) {
    GroupIds.validate(groupId);
    long nowMs = context.options().clock().millis();
    return context.read(
        "describing group " + groupId,
        snapshot(session -> GroupQueries.describe(session, groupId, nowMs)));
  }

  /** The group's committed offsets; empty when it has none. */
  public Map<TopicPartition, OffsetAndMetadata> committed(String groupId) {
    GroupIds.validate(groupId);
    return context.read(
        "reading the offsets of group " + groupId,
        session -> GroupQueries.committed(session, groupId));
  }

  /**
   * Commits offsets of a group whose members live outside this library, in one transaction: the
   * coordinator of another protocol (the Kafka server's wire consumers) keeps its members in memory
   * and its progress here, so that {@link #committed} and {@link #describe} show it and it outlives
   * a restart. Creates the group when it does not exist. The caller checks its own members'
   * generations before committing; this method fences nothing beyond the rule that a group is
   * either embedded or external at one time. Each offset is the next one the group will read (the
   * last processed offset + 1). All or nothing: when one partition is refused, none is stored.
   *
   * @throws GroupNotEmptyException when the group has live embedded members ({@link #consumer}),
   *     whose leases this would bypass: stop them, or commit through them
   * @throws dev.onelog.UnknownTopicException when a topic does not exist
   * @throws dev.onelog.UnknownPartitionException when a topic has no such partition
   * @throws IllegalArgumentException when a metadata string is longer than {@value
   *     OffsetAndMetadata#MAX_METADATA_LENGTH}
   * @throws InvalidGroupIdException when the group id is empty, blank or too long
   */
  public void commitOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
    GroupIds.validate(groupId);
    Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  OffsetCommits.commitWithoutMember(tx, groupId, copy);
                  return null;
                },
                "committing offsets of group " + groupId));
  }

  /**
   * For a coordinator outside this library, as {@code onelog serve} is for Kafka consumers:
   * replaces the group's wire members in the file with {@code members}, their heartbeat now,
   * creating the group when it does not exist (and {@code members} is not empty). Call it when they
   * change and often enough that none of their sessions runs out between calls. Wire members show
   * in {@link #describe} and {@code onelog groups}, hold no partitions here, and keep embedded
   * members out of the group: {@link #consumer} members joining it fail with {@link
   * InconsistentGroupProtocolException} while one is live. docs/FORMAT.md section 12.1.
   *
   * @throws InconsistentGroupProtocolException when the group has live embedded members
   * @throws InvalidGroupIdException when the group id is empty, blank or too long
   */
  public void recordWireMembers(String groupId, List<WireMember> members) {
    GroupIds.validate(groupId);
    List<WireMember> copy = List.copyOf(members);
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  WireMembers.record(tx, groupId, copy);
                  return null;
                },
                "recording the wire members of group " + groupId));
  }

  /**
   * The offsets {@link #resetOffsets} would commit, without committing them (a dry run).
   *
   * @throws UnknownGroupException when the group does not exist
   * @throws dev.onelog.UnknownTopicException when the topic does not exist
   */
  public Map<TopicPartition, Long> planReset(String groupId, String topic, ResetTarget to) {
    GroupIds.validate(groupId);
    return context.read(
        "planning a reset of group " + groupId,
        snapshot(
            session -> GroupQueries.planReset(session, context.catalog(), groupId, topic, to)));
  }

  /**
   * Moves the group's committed offsets of every partition of {@code topic}, as Kafka's {@code
   * kafka-consumer-groups --reset-offsets}, in one transaction; returns the offsets committed.
   *
   * @throws GroupNotEmptyException when the group has live members, as Kafka's tool refuses
   * @throws UnknownGroupException when the group does not exist
   */
  public Map<TopicPartition, Long> resetOffsets(String groupId, String topic, ResetTarget to) {
    GroupIds.validate(groupId);
    return LogContext.await(
        context
            .writer()
            .submit(
                tx -> GroupQueries.reset(tx, context.catalog(), groupId, topic, to),
                "resetting the offsets of group " + groupId));
  }

  /**
   * Deletes the group: its committed offsets, leases and expired members' rows.
   *
   * @throws GroupNotEmptyException when it has live members
   * @throws UnknownGroupException when it does not exist
   */
  public void delete(String groupId) {
    GroupIds.validate(groupId);
    LogContext.await(
        context
            .writer()
            .submit(
                tx -> {
                  GroupQueries.delete(tx, groupId);
                  return null;
                },
                "deleting group " + groupId));
  }

  /**
   * Deletes the group's committed offsets of these partitions, in one transaction, as Kafka's
   * {@code kafka-consumer-groups --delete-offsets}; returns the partitions that had one (a
   * partition without one, or of a topic that does not exist, is left out). The group stays, with
   * its other offsets.
   *
   * @throws GroupNotEmptyException when it has live members
   * @throws UnknownGroupException when it does not exist
   * @throws InvalidGroupIdException when the group id is empty, blank or too long
   */
  public Set<TopicPartition> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
    GroupIds.validate(groupId);
    List<TopicPartition> copy = List.copyOf(partitions);
    return LogContext.await(
        context
            .writer()
            .submit(
                tx -> GroupQueries.deleteOffsets(tx, groupId, copy),
                "deleting offsets of group " + groupId));
  }

  /** Runs reads in one read transaction, so that they see one commit of the file. */
  private static <T> ReaderSessions.SqlWork<T> snapshot(ReaderSessions.SqlWork<T> work) {
    return session -> {
      try (Statement s = session.connection().createStatement()) {
        s.execute("BEGIN");
        try {
          return work.run(session);
        } finally {
          s.execute("COMMIT");
        }
      }
    };
  }
}
