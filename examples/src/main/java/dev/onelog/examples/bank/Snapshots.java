package dev.onelog.examples.bank;

import dev.onelog.eventstore.EventStore;
import java.nio.charset.StandardCharsets;

/**
 * An account's snapshot: {@code owner NEWLINE balanceCents}, saved as of a version of its stream,
 * so that loading it replays only the events after that version. An application saves one every so
 * many events; a snapshot is a cache: deleting every snapshot changes no state, only load time.
 */
final class Snapshots {
  private Snapshots() {}

  static void save(EventStore store, Account account) {
    String text = account.owner() + "\n" + account.balanceCents();
    store.saveSnapshot(account.id(), account.version(), text.getBytes(StandardCharsets.UTF_8));
  }

  static Account decode(String id, byte[] data, long version) {
    String[] parts = new String(data, StandardCharsets.UTF_8).split("\n", 2);
    return new Account(id, parts[0], Long.parseLong(parts[1]), version);
  }
}
