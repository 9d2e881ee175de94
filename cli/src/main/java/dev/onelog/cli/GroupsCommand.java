package dev.onelog.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code onelog groups}: groups the commands that list, describe, reset and delete consumer groups.
 * Members join a group with {@code onelog consume TOPIC --group G}, or through the library.
 */
@Command(
    name = "groups",
    description = "List, describe, reset and delete consumer groups.",
    subcommands = {
      ListGroupsCommand.class,
      DescribeGroupCommand.class,
      ResetGroupCommand.class,
      DeleteGroupCommand.class
    })
final class GroupsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
  }
}
