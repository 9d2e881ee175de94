package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.eventstore.EventStore;

/**
 * A command on the event store of the log named by the global options. Commands that only read
 * refuse a file without an event store, rather than create its tables: {@code onelog events
 * streams} on the wrong file should say so.
 */
abstract class EventStoreCommand extends LogCommand {
  /** The event topic (docs/FORMAT.md section 14). */
  static final String EVENT_TOPIC = "__eventstore";

  /** The log's event store, failing with a clear message when the file has none yet. */
  static EventStore existingStore(OneLog log) {
    if (!log.topics().contains(EVENT_TOPIC)) {
      throw new CliException(
          "this file has no event store yet (no topic "
              + EVENT_TOPIC
              + "); append a first event with 'onelog events append STREAM --type TYPE', or choose"
              + " another file with --file");
    }
    return log.eventStore();
  }
}
