package dev.onelog;

import java.nio.file.Path;

/**
 * A child process for {@link CompactionKillIT}: opens the log, says "open", and compacts it to the
 * end with {@code log.compact()}, saying "done" after; the test kills it with kill -9 in between.
 */
public final class ChildCompactor {
  private ChildCompactor() {}

  public static void main(String[] args) {
    try (OneLog log = OneLog.open(Path.of(args[0]))) {
      System.out.println("open");
      System.out.flush();
      CleanupReport report = log.compact();
      System.out.println("done " + report.recordsExamined());
      System.out.flush();
    }
    System.exit(0);
  }
}
