package dev.onelog.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code onelog projections}: reports on the event store's projections. Projections run inside the
 * applications that define their handlers; the file records their checkpoints and errors.
 */
@Command(
    name = "projections",
    description = "Report on the event store's projections.",
    subcommands = {ListProjectionsCommand.class})
final class ProjectionsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
  }
}
