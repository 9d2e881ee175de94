package dev.onelog.cli;

import dev.onelog.CleanupReport;
import dev.onelog.OneLog;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code onelog compact}: runs retention, key compaction and incremental vacuum over the whole log
 * now, as {@link OneLog#compact()} does, and prints what they did and the file's size before and
 * after. Compaction ignores the topics' min dirty ratio and compaction lag here; tombstones still
 * stay for their delete retention.
 */
@Command(
    name = "compact",
    description =
        "Run retention, compaction and vacuum over the whole log now, and print what they"
            + " removed and the file's size before and after.")
final class CompactCommand extends LogCommand {
  @Override
  public Integer call() {
    String file;
    long sizeBefore;
    CleanupReport report;
    long sizeAfter;
    try (OneLog log = openExistingLog()) {
      file = log.path().toString();
      sizeBefore = log.fileSizeBytes();
      report = log.compact();
      sizeAfter = log.fileSizeBytes();
    }
    PrintWriter out = out();
    out.println("file:             " + file);
    out.println("batches deleted:  " + report.batchesDeleted() + " (by retention)");
    out.println("records examined: " + report.recordsExamined() + " (by compaction)");
    out.println(
        "records removed:  "
            + report.recordsRemoved()
            + " ("
            + report.bytesRemoved()
            + " bytes of keys, values and headers)");
    out.println("pages freed:      " + report.pagesFreed());
    out.println(
        "file size:        "
            + SizeConverter.describe(sizeBefore)
            + " before, "
            + SizeConverter.describe(sizeAfter)
            + " after");
    return 0;
  }
}
