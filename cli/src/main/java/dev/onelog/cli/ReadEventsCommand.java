package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.RecordedEvent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog events read STREAM}: prints a stream's events, one a line, in version order (or
 * newest first with {@code --backward}), as they are when it starts. A stream without events (or
 * deleted) is an error, so that a misspelt id does not pass for an empty stream.
 */
@Command(
    name = "read",
    sortOptions = false,
    description = "Print a stream's events, one a line, oldest first (or newest with --backward).")
final class ReadEventsCommand extends EventStoreCommand {
  static final int PAGE_EVENTS = 1000;

  @Parameters(paramLabel = "STREAM", description = "The stream to read.")
  String stream;

  @Option(
      names = "--from-version",
      paramLabel = "N",
      description = "Start at version N (default: the first; with --backward, the stream's last).")
  Long fromVersion;

  @Option(names = "--backward", description = "Newest first, from --from-version down.")
  boolean backward;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N events.")
  Long max;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (the default): position, stream, version, type and data, tab-separated;"
              + " json: an object with every field (data that is not UTF-8 as base64, marked),"
              + " as 'events append --format json' reads it.")
  EventFormat format;

  @Override
  public Integer call() {
    if (fromVersion != null && fromVersion < 0) {
      throw new ParameterException(
          spec.commandLine(), "--from-version must be at least 0, was " + fromVersion);
    }
    if (max != null && max < 1) {
      throw new ParameterException(spec.commandLine(), "--max must be at least 1, was " + max);
    }
    EventPrinter printer = new EventPrinter(format, new FileOutputStream(FileDescriptor.out));
    try (OneLog log = openForReading()) {
      EventStore store = existingStore(log);
      long version = store.streamVersion(stream);
      if (version < 0) {
        throw new CliException(
            "stream '"
                + stream
                + "' has no events (it does not exist, or was deleted); 'onelog events streams'"
                + " lists the streams");
      }
      long limit = max == null ? Long.MAX_VALUE : max;
      long next = fromVersion != null ? fromVersion : backward ? version : 0;
      if (backward) {
        next = Math.min(next, version); // from above the last version down: from the last
      }
      long printed = 0;
      while (printed < limit && !stopRequested() && next >= 0 && next <= version) {
        int page = (int) Math.min(PAGE_EVENTS, limit - printed);
        List<RecordedEvent> events =
            backward
                ? store.readStreamBackward(stream, next, page)
                : store.readStream(stream, next, page);
        if (events.isEmpty()) {
          break;
        }
        for (RecordedEvent event : events) {
          if (event.version() > version) { // appended since the command started
            next = version + 1;
            break;
          }
          printer.print(event);
          printed++;
          next = backward ? event.version() - 1 : event.version() + 1;
        }
      }
      printer.flush();
    } catch (IOException e) {
      if (RecordPrinter.isBrokenPipe(e)) {
        return 0;
      }
      throw new CliException("cannot write to standard output: " + e.getMessage(), e);
    }
    return 0;
  }
}
