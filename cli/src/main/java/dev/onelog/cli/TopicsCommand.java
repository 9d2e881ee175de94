package dev.onelog.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code onelog topics}: groups the commands that create, list, describe and delete topics. */
@Command(
    name = "topics",
    description = "Create, list, describe, alter and delete topics.",
    subcommands = {
      CreateTopicCommand.class,
      ListTopicsCommand.class,
      DescribeTopicCommand.class,
      AlterTopicCommand.class,
      DeleteTopicCommand.class
    })
final class TopicsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
  }
}
