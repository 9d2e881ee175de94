package dev.onelog;

import dev.onelog.internal.storage.FileFormat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@link FirstOpenCrashIT}: runs the statements of a new file's first open, as
 * onelog runs them (FileFormat's pragmas, then the schema in one transaction), up to step {@code
 * STOP}, prints "AT &lt;STOP&gt;" and waits on stdin to be killed there.
 *
 * <pre>
 * FirstOpenSteps FILE STOP            the WAL-mode first open, steps 0 .. count-1
 * FirstOpenSteps --count              prints how many steps there are
 * FirstOpenSteps --hot-journal FILE   writes a database in rollback-journal mode and stops in the
 *                                     middle of a transaction whose pages were spilled to the file,
 *                                     leaving a hot journal behind when killed
 * </pre>
 */
public final class FirstOpenSteps {
  private FirstOpenSteps() {}

  /** The statements of a first open, each committed on its own unless inside BEGIN ... COMMIT. */
  static List<String> steps() {
    List<String> steps = new ArrayList<>(FileFormat.NEW_FILE_PRAGMAS);
    steps.add("BEGIN IMMEDIATE");
    steps.addAll(FileFormat.SCHEMA);
    steps.add("PRAGMA application_id=" + FileFormat.APPLICATION_ID);
    steps.add("PRAGMA user_version=" + FileFormat.FORMAT_VERSION);
    steps.add("COMMIT");
    return steps;
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("--count")) {
      System.out.println(steps().size());
      return;
    }
    if (args[0].equals("--hot-journal")) {
      hotJournal(args[1]);
      return;
    }
    int stop = Integer.parseInt(args[1]);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
        Statement s = c.createStatement()) {
      List<String> steps = steps();
      for (int i = 0; i < stop; i++) {
        s.execute(steps.get(i));
      }
      awaitKill(stop);
    }
  }

  private static void hotJournal(String file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=" + FileFormat.PAGE_SIZE_BYTES);
      s.execute("PRAGMA journal_mode=DELETE");
      s.execute("PRAGMA cache_size=2"); // pages spill to the file before the commit
      s.execute("BEGIN IMMEDIATE");
      s.execute("CREATE TABLE half (x BLOB)");
      for (int i = 0; i < 50; i++) {
        s.execute("INSERT INTO half VALUES (randomblob(20000))");
      }
      awaitKill(-1);
    }
  }

  private static void awaitKill(int at) throws Exception {
    System.out.println("AT " + at);
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
  }
}
