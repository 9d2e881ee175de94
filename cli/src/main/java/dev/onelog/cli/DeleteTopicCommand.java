package dev.onelog.cli;

import dev.onelog.OneLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code onelog topics delete NAME}: deletes a topic and its records. */
@Command(name = "delete", description = "Delete a topic and every record in it.")
final class DeleteTopicCommand extends LogCommand {
  @Parameters(paramLabel = "NAME", description = "The topic to delete.")
  String name;

  @Override
  public Integer call() {
    try (OneLog log = openExistingLog()) {
      log.deleteTopic(name);
    }
    out().println("deleted topic '" + name + "'");
    return 0;
  }
}
