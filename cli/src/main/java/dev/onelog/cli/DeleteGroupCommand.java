package dev.onelog.cli;

import dev.onelog.OneLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog groups delete GROUP}: deletes the group's committed offsets and leases; refused
 * while it has live members.
 */
@Command(
    name = "delete",
    description =
        "Delete a consumer group and its committed offsets; refused while it has live members.")
final class DeleteGroupCommand extends LogCommand {
  @Parameters(
      paramLabel = "GROUP",
      converter = GroupIdConverter.class,
      description = "The group to delete.")
  String groupId;

  @Override
  public Integer call() {
    try (OneLog log = openExistingLog()) {
      log.groups().delete(groupId);
    }
    out().println("deleted group '" + groupId + "'");
    return 0;
  }
}
