package dev.onelog.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code onelog users}: groups the commands that manage who {@code onelog serve --sasl} lets in.
 */
@Command(
    name = "users",
    description =
        "Add, list and delete the users that 'onelog serve --sasl' lets in (PLAIN, SCRAM-SHA-256,"
            + " SCRAM-SHA-512); the file keeps SCRAM credentials, never passwords.",
    subcommands = {AddUserCommand.class, ListUsersCommand.class, DeleteUserCommand.class})
final class UsersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
  }
}
