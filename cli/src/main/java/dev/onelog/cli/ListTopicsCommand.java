package dev.onelog.cli;

import dev.onelog.OneLog;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code onelog topics list}: the topic names, one a line, sorted; nothing when there are none. */
@Command(name = "list", description = "Print the name of every topic, one a line.")
final class ListTopicsCommand extends LogCommand {
  @Override
  public Integer call() {
    PrintWriter out = out();
    try (OneLog log = openForReading()) {
      for (String topic : log.topics()) {
        out.println(topic);
      }
    }
    return 0;
  }
}
