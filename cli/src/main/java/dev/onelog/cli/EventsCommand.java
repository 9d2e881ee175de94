package dev.onelog.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code onelog events}: groups the commands of the event store (docs/EVENTSTORE.md): append to a
 * stream with an expected version, read a stream, read or follow all events, list streams.
 */
@Command(
    name = "events",
    description = "Append and read the event store's streams (docs/EVENTSTORE.md).",
    subcommands = {
      AppendEventsCommand.class,
      ReadEventsCommand.class,
      AllEventsCommand.class,
      ListStreamsCommand.class
    })
final class EventsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing command: choose one of " + spec.subcommands().keySet());
  }
}
