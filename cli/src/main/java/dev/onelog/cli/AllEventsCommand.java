package dev.onelog.cli;

import dev.onelog.LogClosedException;
import dev.onelog.OneLog;
import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.EventPage;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.EventSubscription;
import dev.onelog.eventstore.RecordedEvent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code onelog events all}: prints every stream's events in the global order (position order), one
 * a line. Without {@code --follow} it stops at the end position that existed when it started, so it
 * always terminates; with {@code --follow} it is a subscription: it prints what is stored, then
 * each new event as it is committed (another process's within about 16 ms), until SIGINT or
 * SIGTERM, or until the reader of its output goes away ({@code | head -3}), which ends it quietly
 * with status 0 at the next event it prints.
 */
@Command(
    name = "all",
    sortOptions = false,
    description = "Print all events in global order, one a line; --follow waits for new ones.")
final class AllEventsCommand extends EventStoreCommand {
  static final int PAGE_EVENTS = 1000;
  static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  @Option(
      names = "--from-position",
      paramLabel = "P",
      defaultValue = "0",
      description = "Start at global position P (default 0, the first event).")
  long fromPosition;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Only events of this type (repeatable: any of them).")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--stream-prefix",
      paramLabel = "PREFIX",
      description = "Only events of streams whose id starts with PREFIX.")
  String streamPrefix;

  @Option(
      names = "--follow",
      description = "Keep printing new events until interrupted (Ctrl-C) or the output closes.")
  boolean follow;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N events.")
  Long max;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (the default): position, stream, version, type and data, tab-separated;"
              + " json: an object with every field, as 'events read --format json'.")
  EventFormat format;

  @Override
  public Integer call() {
    if (fromPosition < 0) {
      throw new ParameterException(
          spec.commandLine(), "--from-position must be at least 0, was " + fromPosition);
    }
    if (max != null && max < 1) {
      throw new ParameterException(spec.commandLine(), "--max must be at least 1, was " + max);
    }
    for (String type : types) {
      if (type.isBlank()) {
        throw new ParameterException(spec.commandLine(), "--type must not be empty or blank");
      }
    }
    EventFilter filter = new EventFilter(Set.copyOf(types), streamPrefix);
    EventPrinter printer = new EventPrinter(format, new FileOutputStream(FileDescriptor.out));
    long limit = max == null ? Long.MAX_VALUE : max;
    try (OneLog log = openForReading()) {
      EventStore store = existingStore(log);
      if (follow) {
        follow(store, filter, printer, limit);
      } else {
        readToEnd(store, filter, printer, limit);
      }
      printer.flush();
      Thread.interrupted(); // a Ctrl-C that ended a poll must not disturb closing the log
    } catch (IOException e) {
      if (RecordPrinter.isBrokenPipe(e)) {
        return 0;
      }
      throw new CliException("cannot write to standard output: " + e.getMessage(), e);
    }
    return 0;
  }

  private void readToEnd(EventStore store, EventFilter filter, EventPrinter printer, long limit)
      throws IOException {
    long end = store.endPosition();
    long next = fromPosition;
    long printed = 0;
    while (next < end && printed < limit && !stopRequested()) {
      EventPage page = store.readAll(next, PAGE_EVENTS, filter);
      for (RecordedEvent event : page.events()) {
        if (event.position() >= end || printed >= limit) {
          return;
        }
        printer.print(event);
        printed++;
      }
      if (page.endOfLog() || page.nextPosition() <= next) {
        return;
      }
      next = page.nextPosition();
    }
  }

  private void follow(EventStore store, EventFilter filter, EventPrinter printer, long limit)
      throws IOException {
    long printed = 0;
    try (EventSubscription subscription = store.subscribeToAll(fromPosition, filter)) {
      subscription.maxPollEvents(PAGE_EVENTS);
      while (printed < limit && !stopRequested()) {
        List<RecordedEvent> events = subscription.poll(POLL_TIMEOUT);
        for (int i = 0; i < events.size() && printed < limit; i++) {
          printer.print(events.get(i));
          printed++;
        }
        if (!events.isEmpty()) {
          printer.flush();
        }
      }
    } catch (LogClosedException closedBySignal) {
      if (!stopRequested()) {
        throw closedBySignal;
      }
    }
  }
}
