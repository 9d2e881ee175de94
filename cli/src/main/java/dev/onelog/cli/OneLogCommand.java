package dev.onelog.cli;

import dev.onelog.Durability;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The root command: holds the global options, which may be given before or after the subcommand's
 * name ({@code onelog --file x.db stats} or {@code onelog stats --file x.db}).
 */
@Command(
    name = "onelog",
    scope = ScopeType.INHERIT, // every subcommand gets --help, --version and the footer
    mixinStandardHelpOptions = true,
    versionProvider = OneLogCommand.Version.class,
    description = "Kafka in one file: topics, partitions and records in one SQLite file.",
    subcommands = {
      TopicsCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      GetCommand.class,
      GroupsCommand.class,
      EventsCommand.class,
      ProjectionsCommand.class,
      StatsCommand.class,
      CompactCommand.class,
      DeleteRecordsCommand.class,
      VerifyCommand.class,
      BackupCommand.class,
      ServeCommand.class,
      UsersCommand.class
    },
    footer = {
      "",
      "Exit status: 0 success; 1 an error, or verify found a problem; 2 a usage error."
    })
final class OneLogCommand implements Runnable {
  @Option(
      names = "--file",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:ONELOG_FILE:-./onelog.db}",
      description = "The log file; default $ONELOG_FILE, or onelog.db in the current directory.")
  Path file;

  @Option(
      names = "--durability",
      paramLabel = "MODE",
      scope = ScopeType.INHERIT,
      defaultValue = "fsync",
      description =
          "fsync (an acknowledged record survives power loss; the default) or normal"
              + " (it survives a crash of the process).")
  Durability durability;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @Spec CommandSpec spec;

  final Shutdown shutdown;

  OneLogCommand(Shutdown shutdown) {
    this.shutdown = shutdown;
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
  }

  /** The version in the jar's manifest, written by the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Version.class.getPackage().getImplementationVersion();
      return new String[] {"onelog " + (version == null ? "(development build)" : version)};
    }
  }
}
