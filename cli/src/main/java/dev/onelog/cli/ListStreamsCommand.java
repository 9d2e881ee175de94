package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.StreamInfo;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onelog events streams}: one line per stream, in id order: its version, the position of its
 * last event and when it last changed; a deleted stream's version is {@code -}. With {@code
 * --json}, one object:
 *
 * <pre>{@code
 * {"streams":[{"stream":"acct-1","version":2,"deleted":false,"lastPosition":9,"updated":1714564800000}]}
 * }</pre>
 */
@Command(
    name = "streams",
    description = "Print each stream with its version, one a line, in id order.")
final class ListStreamsCommand extends EventStoreCommand {
  static final int PAGE_STREAMS = 1000;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Only streams whose id starts with PREFIX.")
  String prefix;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    List<StreamInfo> streams = new ArrayList<>();
    try (OneLog log = openForReading()) {
      EventStore store = existingStore(log);
      String after = null;
      while (!stopRequested()) {
        List<StreamInfo> page = store.listStreams(prefix, after, PAGE_STREAMS);
        streams.addAll(page);
        if (page.size() < PAGE_STREAMS) {
          break;
        }
        after = page.get(page.size() - 1).streamId();
      }
    }
    if (json) {
      printJson(out(), streams);
    } else if (!streams.isEmpty()) {
      printTable(out(), streams);
    }
    return 0;
  }

  private static void printTable(PrintWriter out, List<StreamInfo> streams) {
    TextTable table = new TextTable("STREAM", "VERSION", "LAST POSITION", "UPDATED");
    for (StreamInfo s : streams) {
      table.row(
          s.streamId(),
          s.deleted() ? TextTable.NONE : s.version(),
          s.lastPosition(),
          Instant.ofEpochMilli(s.updatedAtMs()).toString());
    }
    table.print(out);
  }

  private static void printJson(PrintWriter out, List<StreamInfo> streams) {
    LineBuffer buffer = new LineBuffer();
    JsonWriter json = new JsonWriter(buffer).beginObject().name("streams").beginArray();
    for (StreamInfo s : streams) {
      json.beginObject()
          .name("stream")
          .value(s.streamId())
          .name("version")
          .value(s.deleted() ? -1 : s.version())
          .name("deleted")
          .value(s.deleted());
      json.name("lastPosition").value(s.lastPosition()).name("updated").value(s.updatedAtMs());
      json.endObject();
    }
    json.endArray().endObject();
    out.println(buffer);
  }
}
