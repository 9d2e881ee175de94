package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.kafka.KafkaUsers;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog users delete NAME}: deletes a user. Connections it already opened to a running
 * server stay open; new ones are refused.
 */
@Command(
    name = "delete",
    description = "Delete a user; a running server refuses its next authentication.")
final class DeleteUserCommand extends LogCommand {
  @Parameters(paramLabel = "NAME", description = "The user to delete.")
  String name;

  @Override
  public Integer call() {
    try (OneLog log = openExistingLog()) {
      KafkaUsers users = KafkaUsers.of(log);
      if (!users.delete(name)) {
        List<String> known = users.list();
        throw new CliException("user '" + name + "' does not exist; known users: " + known);
      }
    }
    out().println("deleted user '" + name + "'");
    return 0;
  }
}
