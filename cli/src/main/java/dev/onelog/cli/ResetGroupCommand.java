package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.Groups;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.group.ResetTarget;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog groups reset GROUP --topic T --to-...}: moves the group's committed offsets in
 * every partition of a topic, as {@code kafka-consumer-groups --reset-offsets}, and prints the
 * plan: per partition the old committed offset ("-" for none) and the new one. Refused while the
 * group has live members, whose next commits would overwrite the reset; {@code --dry-run} prints
 * the plan and changes nothing, even then.
 */
@Command(
    name = "reset",
    sortOptions = false,
    description =
        "Move a consumer group's committed offsets in every partition of a topic; refused while"
            + " the group has live members.")
final class ResetGroupCommand extends LogCommand {
  @Parameters(
      paramLabel = "GROUP",
      converter = GroupIdConverter.class,
      description = "The group whose offsets to move.")
  String groupId;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      required = true,
      description = "The topic whose partitions' offsets to move.")
  String topic;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--to-earliest", description = "The earliest record still stored.")
    boolean earliest;

    @Option(
        names = "--to-latest",
        description = "The end: the group skips every record stored so far.")
    boolean latest;

    @Option(
        names = "--to-offset",
        paramLabel = "N",
        description = "Offset N in every partition (kept within each one's earliest and next).")
    Long offset;

    @Option(
        names = "--to-time",
        paramLabel = "TIME",
        converter = InstantConverter.class,
        description =
            "The first record stamped at or after TIME, or the end: 2024-05-01T12:00:00Z or"
                + " 2024-05-01T14:00:00+02:00.")
    Instant time;

    @Option(
        names = "--shift-by",
        paramLabel = "N",
        description =
            "The committed offset plus N (negative: back); from the earliest offset where"
                + " nothing is committed.")
    Long shift;
  }

  @Option(names = "--dry-run", description = "Print the plan and change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    ResetTarget to = resetTarget();
    Map<TopicPartition, OffsetAndMetadata> old;
    Map<TopicPartition, Long> plan;
    try (OneLog log = openExistingLog()) {
      Groups groups = log.groups();
      old = groups.committed(groupId);
      if (dryRun) {
        plan = groups.planReset(groupId, topic, to);
        warnAboutLiveMembers(groups.describe(groupId));
      } else {
        plan = groups.resetOffsets(groupId, topic, to);
      }
    }
    PrintWriter out = out();
    TextTable table = new TextTable("TOPIC", "PARTITION", "OLD", "NEW");
    plan.forEach(
        (partition, offset) -> {
          OffsetAndMetadata before = old.get(partition);
          table.row(
              partition.topic(),
              partition.partition(),
              before == null ? TextTable.NONE : before.offset(),
              offset);
        });
    table.print(out);
    out.println(
        dryRun
            ? "dry run: nothing changed; run again without --dry-run to commit these offsets"
            : "committed these offsets for group '" + groupId + "'");
    return 0;
  }

  private ResetTarget resetTarget() {
    if (target.earliest) {
      return ResetTarget.earliest();
    }
    if (target.latest) {
      return ResetTarget.latest();
    }
    if (target.offset != null) {
      if (target.offset < 0) {
        throw new ParameterException(
            spec.commandLine(), "--to-offset must be at least 0, was " + target.offset);
      }
      return ResetTarget.offset(target.offset);
    }
    if (target.time != null) {
      return ResetTarget.time(target.time);
    }
    return ResetTarget.shiftBy(target.shift);
  }

  /** A dry run succeeds while members are live; say that the real reset would not. */
  private void warnAboutLiveMembers(GroupDescription group) {
    List<String> live = group.members().stream().map(MemberDescription::memberId).toList();
    if (!live.isEmpty()) {
      err()
          .println(
              "onelog: group '"
                  + groupId
                  + "' has live members "
                  + live
                  + ", so the reset itself would be refused until they stop");
    }
  }
}
