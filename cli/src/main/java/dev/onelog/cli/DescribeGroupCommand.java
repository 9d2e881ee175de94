package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.PartitionOffset;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog groups describe GROUP}: the group's state, then its live members with the
 * partitions each holds and is assigned, then per partition the committed offset, the earliest and
 * next offset, the lag and the member holding it; all from one snapshot of the file. With {@code
 * --json}, one object:
 *
 * <pre>{@code
 * {"groupId":"billing","state":"STABLE","generation":3,"assignor":"sticky","totalLag":2,
 *  "members":[{"memberId":"member-0f…","instanceId":null,"client":"4242@host",
 *   "subscription":"orders","sessionTimeoutMs":10000,"lastHeartbeatMs":1714552613519,
 *   "holds":[{"topic":"orders","partition":0}],"assigned":[{"topic":"orders","partition":0}]}],
 *  "offsets":[{"topic":"orders","partition":0,"committedOffset":5,"earliestOffset":0,
 *   "nextOffset":7,"lag":2,"owner":"member-0f…","metadata":""}]}
 * }</pre>
 *
 * {@code committedOffset} and {@code lag} are null where the group has committed nothing, {@code
 * owner} where no member holds the partition, {@code instanceId} for a member that is not static.
 */
@Command(
    name = "describe",
    description =
        "Print a consumer group's state, its live members and their partitions, and per partition"
            + " the committed offset, earliest and next offset, lag and owner.")
final class DescribeGroupCommand extends LogCommand {
  @Parameters(
      paramLabel = "GROUP",
      converter = GroupIdConverter.class,
      description = "The group to describe.")
  String groupId;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    GroupDescription group;
    try (OneLog log = openForReading()) {
      group = log.groups().describe(groupId);
    }
    if (json) {
      printJson(out(), group);
    } else {
      printText(out(), group);
    }
    return 0;
  }

  private static void printText(PrintWriter out, GroupDescription group) {
    out.println("group:      " + group.groupId());
    out.println("state:      " + group.state().name());
    out.println("generation: " + group.generation());
    out.println("assignor:   " + group.assignor().configValue());
    out.println("members:    " + group.members().size());
    out.println("total lag:  " + group.totalLag());
    if (!group.members().isEmpty()) {
      out.println();
      TextTable members =
          new TextTable("MEMBER", "CLIENT", "INSTANCE", "LAST HEARTBEAT", "HOLDS", "ASSIGNED");
      for (MemberDescription member : group.members()) {
        members.row(
            member.memberId(),
            member.client(),
            member.instanceId() == null ? TextTable.NONE : member.instanceId(),
            member.lastHeartbeat().toString(),
            partitions(member.owned()),
            partitions(member.assigned()));
      }
      members.print(out);
    }
    if (!group.offsets().isEmpty()) {
      out.println();
      TextTable offsets =
          new TextTable("TOPIC", "PARTITION", "COMMITTED", "EARLIEST", "NEXT", "LAG", "OWNER");
      for (PartitionOffset p : group.offsets()) {
        offsets.row(
            p.partition().topic(),
            p.partition().partition(),
            p.committedOffset() < 0 ? TextTable.NONE : p.committedOffset(),
            p.earliestOffset(),
            p.nextOffset(),
            p.lag() < 0 ? TextTable.NONE : p.lag(),
            p.owner() == null ? TextTable.NONE : p.owner());
      }
      offsets.print(out);
    }
  }

  /** {@code orders-0,orders-1}, as Kafka's tools name partitions; "-" for none. */
  private static String partitions(List<TopicPartition> partitions) {
    return partitions.isEmpty()
        ? TextTable.NONE
        : partitions.stream().map(TopicPartition::toString).collect(Collectors.joining(","));
  }

  private static void printJson(PrintWriter out, GroupDescription group) {
    LineBuffer buffer = new LineBuffer();
    JsonWriter json =
        new JsonWriter(buffer)
            .beginObject()
            .name("groupId")
            .value(group.groupId())
            .name("state")
            .value(group.state().name())
            .name("generation")
            .value(group.generation())
            .name("assignor")
            .value(group.assignor().configValue())
            .name("totalLag")
            .value(group.totalLag())
            .name("members")
            .beginArray();
    for (MemberDescription member : group.members()) {
      json.beginObject()
          .name("memberId")
          .value(member.memberId())
          .name("instanceId")
          .value(member.instanceId())
          .name("client")
          .value(member.client())
          .name("subscription")
          .value(member.subscription())
          .name("sessionTimeoutMs")
          .value(member.sessionTimeout().toMillis())
          .name("lastHeartbeatMs")
          .value(member.lastHeartbeat().toEpochMilli())
          .name("holds");
      partitionsJson(json, member.owned());
      json.name("assigned");
      partitionsJson(json, member.assigned());
      json.endObject();
    }
    json.endArray().name("offsets").beginArray();
    for (PartitionOffset p : group.offsets()) {
      json.beginObject()
          .name("topic")
          .value(p.partition().topic())
          .name("partition")
          .value(p.partition().partition())
          .name("committedOffset");
      nullableNumber(json, p.committedOffset());
      json.name("earliestOffset")
          .value(p.earliestOffset())
          .name("nextOffset")
          .value(p.nextOffset())
          .name("lag");
      nullableNumber(json, p.lag());
      json.name("owner").value(p.owner()).name("metadata").value(p.metadata()).endObject();
    }
    json.endArray().endObject();
    out.println(buffer);
  }

  private static void partitionsJson(JsonWriter json, List<TopicPartition> partitions) {
    json.beginArray();
    for (TopicPartition partition : partitions) {
      json.beginObject()
          .name("topic")
          .value(partition.topic())
          .name("partition")
          .value(partition.partition())
          .endObject();
    }
    json.endArray();
  }

  /** The core's -1 for "none" as JSON's null. */
  private static void nullableNumber(JsonWriter json, long value) {
    if (value < 0) {
      json.nullValue();
    } else {
      json.value(value);
    }
  }
}
