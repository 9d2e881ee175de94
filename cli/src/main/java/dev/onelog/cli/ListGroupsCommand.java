package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.Groups;
import dev.onelog.group.UnknownGroupException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onelog groups list}: one line per consumer group, sorted by id: its state, live members,
 * generation and total lag; nothing when there are none. With {@code --json}, one object:
 *
 * <pre>{@code
 * {"groups":[{"groupId":"billing","state":"STABLE","memberCount":2,"generation":3,"totalLag":5}]}
 * }</pre>
 */
@Command(
    name = "list",
    description =
        "Print each consumer group's state, live members, generation and total lag, one a line.")
final class ListGroupsCommand extends LogCommand {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    List<GroupDescription> groups = new ArrayList<>();
    try (OneLog log = openForReading()) {
      Groups all = log.groups();
      for (String groupId : all.list()) {
        try {
          groups.add(all.describe(groupId));
        } catch (UnknownGroupException deletedSinceTheList) {
          // Deleted by another process between the two reads: it is not a group any more.
        }
      }
    }
    if (json) {
      printJson(out(), groups);
    } else if (!groups.isEmpty()) {
      printTable(out(), groups);
    }
    return 0;
  }

  private static void printTable(PrintWriter out, List<GroupDescription> groups) {
    TextTable table = new TextTable("GROUP", "STATE", "MEMBERS", "GENERATION", "LAG");
    for (GroupDescription group : groups) {
      table.row(
          group.groupId(),
          group.state().name(),
          group.members().size(),
          group.generation(),
          group.totalLag());
    }
    table.print(out);
  }

  private static void printJson(PrintWriter out, List<GroupDescription> groups) {
    LineBuffer buffer = new LineBuffer();
    JsonWriter json = new JsonWriter(buffer).beginObject().name("groups").beginArray();
    for (GroupDescription group : groups) {
      json.beginObject()
          .name("groupId")
          .value(group.groupId())
          .name("state")
          .value(group.state().name())
          .name("memberCount")
          .value(group.members().size())
          .name("generation")
          .value(group.generation())
          .name("totalLag")
          .value(group.totalLag())
          .endObject();
    }
    json.endArray().endObject();
    out.println(buffer);
  }
}
