package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each error is one line on stderr with a status: 1 for errors, 2 for usage; no stack trace. */
class ErrorsIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void notAOneLogFileIsRefusedAndLeftAlone() throws Exception {
    onelog.brokenOnPurpose();
    Files.writeString(onelog.file(), "just text\n");
    String message = onelog.run("stats").failsWith(1);
    assertTrue(message.contains("not a onelog file"), message);
    assertEquals("just text\n", Files.readString(onelog.file()));
  }

  @Test
  void anotherSqliteDatabaseIsRefused() throws Exception {
    onelog.brokenOnPurpose();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + onelog.file());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");
    }
    String message = onelog.run("produce", "t", "--value", "v").failsWith(1);
    assertTrue(message.contains("not a onelog file") && message.contains("customers"), message);
  }

  @Test
  void missingDirectoryFailsForWritesAndReads() {
    Path nowhere = onelog.dir().resolve("no/such/dir/log.db");
    String write = onelog.run("--file", nowhere.toString(), "topics", "create", "t").failsWith(1);
    assertTrue(write.contains("directory " + nowhere.getParent() + " does not exist"), write);
    String read = onelog.run("--file", nowhere.toString(), "consume", "t").failsWith(1);
    assertTrue(read.contains("directory " + nowhere.getParent() + " does not exist"), read);
  }

  @Test
  void missingFileIsNotCreatedByReadingCommands() {
    for (String[] command :
        new String[][] {{"stats"}, {"verify"}, {"consume", "t"}, {"topics", "describe", "t"}}) {
      String message = onelog.run(command).failsWith(1);
      assertTrue(message.contains(onelog.file() + " does not exist"), message);
    }
    assertFalse(Files.exists(onelog.file()));
  }

  @Test
  void unknownOptionIsAUsageErrorWithAPointerToHelp() {
    String message = onelog.run("consume", "t", "--form-beginning").failsWith(2);
    assertTrue(
        message.contains("'--form-beginning'") && message.contains("(see 'onelog consume --help')"),
        message);
  }

  @Test
  void unknownCommandSuggestsTheNearestOne() {
    String message = onelog.run("stat").failsWith(2);
    assertTrue(message.contains("did you mean stats?"), message);
  }

  @Test
  void missingCommandIsAUsageError() {
    String message = onelog.run().failsWith(2);
    assertTrue(message.contains("missing command"), message);
  }

  @Test
  void verboseAddsTheStackTrace() {
    onelog.run("topics", "create", "orders").ok();
    OneLogProcess.Result result = onelog.run("--verbose", "consume", "ordrs");
    assertEquals(1, result.exitCode());
    assertTrue(result.stderr().startsWith("onelog: topic 'ordrs' does not exist"), result.stderr());
    assertTrue(
        result.stderr().contains("UnknownTopicException") && result.stderr().contains("\tat "),
        result.stderr());
  }

  @Test
  void helpAndVersionSucceed() {
    assertTrue(onelog.run("--help").ok().stdout().contains("Usage: onelog"));
    assertTrue(onelog.run("produce", "--help").ok().stdout().contains("--key-separator"));
    assertTrue(onelog.run("--version").ok().stdout().startsWith("onelog "));
  }
}
