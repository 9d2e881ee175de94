package dev.onelog.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onelog.OneLog;
import dev.onelog.eventstore.EventStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BankExampleTest {
  @TempDir Path dir;

  @Test
  void mainLeavesTheBalancesTheEventsAddUpTo() throws Exception {
    Path file = dir.resolve("bank.db");
    BankExample.main(new String[] {file.toString()});

    try (OneLog log = OneLog.open(file)) {
      // Alice: 100.00 in, one 70.00 withdrawal of the two racing, 1.00 in; Bob: 25.00 + 5.00
      assertEquals(
          List.of("account-alice Alice 3100", "account-bob Bob 3000"),
          BankExample.balanceTable(log));
      EventStore store = log.eventStore();
      assertEquals(3100, Account.load(store, "account-alice").balanceCents());
      assertEquals(
          3, store.streamVersion("account-alice"), "opened, deposit, one withdrawal, deposit");
      assertEquals(store.endPosition(), store.projections().get(0).checkpoint());
    }
  }
}
