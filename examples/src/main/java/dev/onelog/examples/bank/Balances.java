package dev.onelog.examples.bank;

import dev.onelog.eventstore.EventFilter;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.Projection;
import dev.onelog.eventstore.ProjectionTransaction;
import dev.onelog.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;

/**
 * The {@code balances} projection: a table {@code balances(account, owner, balance_cents)} in the
 * same file, kept by a handler that runs in the log's write transaction. Its writes commit with the
 * projection's checkpoint, so each event changes the table exactly once, however often the process
 * is killed: no event is added twice and none is lost. Readers query the table with plain SQL.
 */
final class Balances {
  static final String TABLE = "balances";

  private Balances() {}

  /** Starts the projection from its checkpoint (position 0 the first time). */
  static Projection start(EventStore store) {
    return store
        .projection("balances")
        .filter(EventFilter.streamPrefix("account-"))
        .table(
            TABLE,
            t ->
                "CREATE TABLE "
                    + t
                    + " (account TEXT PRIMARY KEY, owner TEXT, balance_cents INTEGER NOT NULL)")
        .handler(Balances::handle)
        .start();
  }

  private static void handle(RecordedEvent event, ProjectionTransaction tx) {
    String table = tx.table(TABLE);
    String text = new String(event.data(), StandardCharsets.UTF_8);
    switch (event.type()) {
      case Account.OPENED ->
          tx.execute(
              "INSERT INTO " + table + " (account, owner, balance_cents) VALUES (?, ?, 0)",
              event.streamId(),
              text);
      case Account.DEPOSITED ->
          tx.execute(
              "UPDATE " + table + " SET balance_cents = balance_cents + ? WHERE account = ?",
              Long.parseLong(text),
              event.streamId());
      case Account.WITHDRAWN ->
          tx.execute(
              "UPDATE " + table + " SET balance_cents = balance_cents - ? WHERE account = ?",
              Long.parseLong(text),
              event.streamId());
      default -> {} // a type this projection does not show
    }
  }
}
