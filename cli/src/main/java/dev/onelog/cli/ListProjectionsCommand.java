package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.eventstore.ProjectionStatus;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onelog projections list}: one line per projection the file records, by name: its
 * checkpoint (the next position it handles), its lag (positions behind the end), its state, and for
 * a failed one the position and error that stopped it; nothing when there are none. With {@code
 * --json}, one object:
 *
 * <pre>{@code
 * {"projections":[{"name":"balances","checkpoint":12,"lag":0,"state":"ACTIVE",
 *   "rebuildCheckpoint":null,"failedPosition":null,"error":null,"updated":1714564800000}]}
 * }</pre>
 */
@Command(
    name = "list",
    description =
        "Print each projection's checkpoint, lag, state and last error, one a line, by name.")
final class ListProjectionsCommand extends EventStoreCommand {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    List<ProjectionStatus> projections;
    try (OneLog log = openForReading()) {
      projections = existingStore(log).projections();
    }
    if (json) {
      printJson(out(), projections);
    } else if (!projections.isEmpty()) {
      printTable(out(), projections);
    }
    return 0;
  }

  private static void printTable(PrintWriter out, List<ProjectionStatus> projections) {
    TextTable table = new TextTable("PROJECTION", "CHECKPOINT", "LAG", "STATE", "LAST ERROR");
    for (ProjectionStatus p : projections) {
      table.row(p.name(), p.checkpoint(), p.lag(), p.state().name(), lastError(p));
    }
    table.print(out);
  }

  /** "at position 7: IllegalStateException: ..." on one line, or "-". */
  private static String lastError(ProjectionStatus p) {
    if (p.error() == null) {
      return TextTable.NONE;
    }
    String where = p.failedPosition() == null ? "" : "at position " + p.failedPosition() + ": ";
    return where + p.error().replace('\n', ' ');
  }

  private static void printJson(PrintWriter out, List<ProjectionStatus> projections) {
    LineBuffer buffer = new LineBuffer();
    JsonWriter json = new JsonWriter(buffer).beginObject().name("projections").beginArray();
    for (ProjectionStatus p : projections) {
      json.beginObject()
          .name("name")
          .value(p.name())
          .name("checkpoint")
          .value(p.checkpoint())
          .name("lag")
          .value(p.lag())
          .name("state")
          .value(p.state().name())
          .name("rebuildCheckpoint");
      nullable(json, p.rebuildCheckpoint());
      json.name("failedPosition");
      nullable(json, p.failedPosition());
      json.name("error").value(p.error()).name("updated").value(p.updatedAtMs()).endObject();
    }
    json.endArray().endObject();
    out.println(buffer);
  }

  private static void nullable(JsonWriter json, Long value) {
    if (value == null) {
      json.nullValue();
    } else {
      json.value(value.longValue());
    }
  }
}
