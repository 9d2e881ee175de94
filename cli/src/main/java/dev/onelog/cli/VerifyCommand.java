package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.VerifyReport;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code onelog verify}: checks the whole file (SQLite's integrity check, the format markers, every
 * partition's offsets and counters, every record's CRC32C) and prints what it checked and each
 * problem. Exit status 0 only when every check passes, 1 otherwise.
 */
@Command(
    name = "verify",
    description = {
      "Check the file and print each problem; exit status 0 only when every check passes.",
      "Checks SQLite's integrity_check, the format markers, every partition's offsets and counters,",
      "and every record's CRC32C."
    })
final class VerifyCommand extends LogCommand {
  @Override
  public Integer call() {
    VerifyReport report;
    int topics;
    long partitions = 0;
    String file;
    try (OneLog log = openForReading()) {
      file = log.path().toString();
      topics = log.topics().size();
      for (String topic : log.topics()) {
        partitions += log.describeTopic(topic).partitions().size();
      }
      report = log.verify();
    }
    PrintWriter out = out();
    out.println("file:     " + file);
    out.println(
        "checked:  SQLite integrity_check; application_id and user_version (a onelog file of this format)");
    out.println(
        "checked:  "
            + count(topics, "topic")
            + ", "
            + count(partitions, "partition")
            + ": offsets within [earliest, next), increasing; record counts and byte sizes");
    out.println(
        "checked:  "
            + count(report.recordsChecked(), "record")
            + ": batch CRC32C and layout, headers decode");
    for (VerifyReport.Problem problem : report.problems()) {
      out.println("PROBLEM:  " + problem);
    }
    if (report.ok()) {
      out.println("ok: every check passed");
      return 0;
    }
    out.println("FAILED: " + count(report.problems().size(), "problem"));
    err()
        .println(
            "onelog: verify found " + count(report.problems().size(), "problem") + " in " + file);
    return ErrorReporter.ERROR;
  }
}
