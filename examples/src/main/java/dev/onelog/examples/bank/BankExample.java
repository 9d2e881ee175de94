package dev.onelog.examples.bank;

import dev.onelog.OneLog;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.Projection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the bank example on a new file ({@code args[0]}, default {@code bank.db}): opens two
 * accounts, deposits, lets two threads race to withdraw 70.00 from an account holding 100.00 (one
 * wins; the other, whether it read before the winner's append and hit a version conflict or read
 * after it, is refused for lack of funds), saves a snapshot, and prints the {@code balances} table
 * the projection wrote. Then try {@code onelog --file bank.db events streams} and {@code onelog
 * --file bank.db projections list}.
 */
public final class BankExample {
  private BankExample() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bank.db");
    try (OneLog log = OneLog.open(file)) {
      EventStore store = log.eventStore();

      Account alice = Account.open(store, "account-alice", "Alice").deposit(store, 100_00);
      Account bob = Account.open(store, "account-bob", "Bob").deposit(store, 25_00);
      bob = bob.deposit(store, 5_00);

      ExecutorService tellers = Executors.newFixedThreadPool(2);
      List<Future<String>> withdrawals =
          List.of(
              tellers.submit(() -> withdraw(store, "account-alice", 70_00)),
              tellers.submit(() -> withdraw(store, "account-alice", 70_00)));
      for (Future<String> withdrawal : withdrawals) {
        System.out.println(withdrawal.get());
      }
      tellers.shutdown();

      alice = Account.load(store, alice.id());
      Snapshots.save(store, alice);
      alice.deposit(store, 1_00);
      System.out.println(
          "snapshot of "
              + alice.id()
              + " at version "
              + alice.version()
              + "; loaded again: "
              + Account.load(store, alice.id()));

      try (Projection balances = Balances.start(store)) {
        if (!balances.awaitCheckpoint(store.endPosition(), Duration.ofSeconds(30))) {
          throw new IllegalStateException("the projection did not catch up: " + balances.status());
        }
      }
      for (String line : balanceTable(log)) {
        System.out.println(line);
      }
    }
  }

  /** What a teller reports: the new balance, or why the withdrawal was refused. */
  private static String withdraw(EventStore store, String id, long cents) {
    try {
      Account after = Account.load(store, id).withdraw(store, cents);
      return "withdrew " + cents + " cents from " + id + "; balance " + after.balanceCents();
    } catch (Account.InsufficientFundsException e) {
      return "refused: " + e.getMessage();
    }
  }

  /** The projection's table, one "account owner balance" line a row, by account. */
  static List<String> balanceTable(OneLog log) {
    return log.transactionResult(
        tx ->
            tx.query(
                "SELECT account, owner, balance_cents FROM " + Balances.TABLE + " ORDER BY account",
                row -> row.getString(1) + " " + row.getString(2) + " " + row.getLong(3)));
  }
}
