package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.kafka.KafkaUsers;
import picocli.CommandLine.Command;

/** {@code onelog users list}: the user names, one a line, sorted; nothing when there are none. */
@Command(name = "list", description = "Print the name of every user, one a line.")
final class ListUsersCommand extends LogCommand {
  @Override
  public Integer call() {
    try (OneLog log = openExistingLog()) {
      KafkaUsers.of(log).list().forEach(out()::println);
    }
    return 0;
  }
}
