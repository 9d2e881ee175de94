package dev.onelog.examples.bank;

import dev.onelog.eventstore.AggregateHistory;
import dev.onelog.eventstore.AppendConflictException;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import dev.onelog.eventstore.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A bank account as an event-sourced aggregate: its state (owner, balance) is what its stream's
 * events add up to, from its latest snapshot on. Each event's data is plain text: the owner's name
 * for {@code Opened}, the amount in cents for {@code Deposited} and {@code Withdrawn}.
 *
 * <p>The rule "a withdrawal never overdraws" is checked against the state read at {@link
 * #version()}, and the append expects exactly that version: if another writer appended in between,
 * the store refuses the append ({@link AppendConflictException}), and {@link #withdraw} reads the
 * account again and decides again. So the rule holds however many processes withdraw at once.
 *
 * <p>Immutable: every command returns the account as it is after its append.
 */
record Account(String id, String owner, long balanceCents, long version) {
  static final String OPENED = "Opened";
  static final String DEPOSITED = "Deposited";
  static final String WITHDRAWN = "Withdrawn";

  /** Thrown when a withdrawal would overdraw; nothing was appended. */
  static final class InsufficientFundsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InsufficientFundsException(String account, long balanceCents, long amountCents) {
      super(
          "account "
              + account
              + " holds "
              + balanceCents
              + " cents; cannot withdraw "
              + amountCents);
    }
  }

  /** Opens an account: its stream must not exist yet. */
  static Account open(EventStore store, String id, String owner) {
    long version =
        store.append(id, ExpectedVersion.noStream(), List.of(event(OPENED, owner))).version();
    return new Account(id, owner, 0, version);
  }

  /** The account as its snapshot and the events after it say. */
  static Account load(EventStore store, String id) {
    AggregateHistory history = store.loadAggregate(id);
    Account account =
        history
            .snapshot()
            .map(s -> Snapshots.decode(id, s.data(), s.version()))
            .orElse(new Account(id, null, 0, -1));
    for (RecordedEvent event : history.events()) {
      account = account.apply(event);
    }
    if (account.version() < 0) {
      throw new IllegalArgumentException("no account " + id + "; open it first");
    }
    return account;
  }

  Account deposit(EventStore store, long amountCents) {
    if (amountCents <= 0) {
      throw new IllegalArgumentException("amountCents <= 0: " + amountCents);
    }
    return append(store, event(DEPOSITED, Long.toString(amountCents)));
  }

  /**
   * Withdraws if the balance allows, retrying on a conflict with the state read again.
   *
   * @throws InsufficientFundsException when the balance (as of the latest version) is too low
   */
  Account withdraw(EventStore store, long amountCents) {
    Account current = this;
    while (true) {
      if (amountCents > current.balanceCents) {
        throw new InsufficientFundsException(id, current.balanceCents, amountCents);
      }
      try {
        return current.append(store, event(WITHDRAWN, Long.toString(amountCents)));
      } catch (AppendConflictException changedMeanwhile) {
        current = load(store, id);
      }
    }
  }

  /** Appends one event expecting this account's version; the account after it. */
  private Account append(EventStore store, EventData event) {
    long newVersion = store.append(id, ExpectedVersion.exactly(version), List.of(event)).version();
    return apply(event.type(), event.data()).withVersion(newVersion);
  }

  Account apply(RecordedEvent event) {
    return apply(event.type(), event.data()).withVersion(event.version());
  }

  private Account apply(String type, byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    return switch (type) {
      case OPENED -> new Account(id, text, balanceCents, version);
      case DEPOSITED -> new Account(id, owner, balanceCents + Long.parseLong(text), version);
      case WITHDRAWN -> new Account(id, owner, balanceCents - Long.parseLong(text), version);
      default -> throw new IllegalStateException("account " + id + ": unknown event type " + type);
    };
  }

  private Account withVersion(long newVersion) {
    return new Account(id, owner, balanceCents, newVersion);
  }

  private static EventData event(String type, String text) {
    return EventData.of(type, text.getBytes(StandardCharsets.UTF_8));
  }
}
