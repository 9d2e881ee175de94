package dev.onelog.internal.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogInvariants;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import dev.onelog.VerifyReport;
import dev.onelog.internal.storage.Connections;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.ProgressHandler;

class VerifierTest {
  @TempDir Path dir;

  /** Topics "kept" (id 1) and "deleted" (id 2), one partition and one record each. */
  private Path twoTopics() {
    Path file = dir.resolve("verify.db");
    try (OneLog log = OneLog.open(file)) {
      for (String topic : List.of("kept", "deleted")) {
        log.createTopic(TopicSpec.named(topic));
        log.append(ProducerRecord.of(topic, "k", "v"));
      }
    }
    return file;
  }

  /**
   * Another process deletes a topic just as verify starts: verify must see the topic list and the
   * partitions in one snapshot. SQLite's progress handler on the verifying connection deletes the
   * topic during the first statement verify runs. When the caller read the topic list before
   * verify's BEGIN (as OneLog.verify did), that statement was the list's SELECT: the list had the
   * topic, the transaction's snapshot had not, and verify reported "deleted-0@-1: has no row in the
   * partitions table".
   */
  @Test
  void aTopicDeletedWhileVerifyStartsIsNotReportedAsDamage() throws Exception {
    Path file = twoTopics();
    try (OneLog other = OneLog.open(file);
        StatementCache session =
            new StatementCache(Connections.openReader(file, Duration.ofSeconds(5)), 8)) {
      // Load the schema first: preparing the first statement reads it with a nested statement,
      // which would call the handler before the first statement has its snapshot.
      try (Statement s = session.connection().createStatement()) {
        s.executeQuery("SELECT count(*) FROM topics").close();
      }
      boolean[] deleted = {false};
      ProgressHandler.setHandler(
          session.connection(),
          1,
          new ProgressHandler() {
            @Override
            protected int progress() {
              if (!deleted[0]) {
                deleted[0] = true;
                other.deleteTopic("deleted");
              }
              return 0;
            }
          });
      VerifyReport report = Verifier.verify(session, new TopicCatalog());
      assertTrue(deleted[0], "the topic was deleted during verify");
      assertTrue(report.ok(), report.problems()::toString);
      assertEquals(List.of("kept"), other.topics());
    }
    LogInvariants.check(file);
  }

  @Test
  void aMissingPartitionsRowIsReported() throws Exception {
    Path file = twoTopics();
    execute(file, "DELETE FROM partitions WHERE topic_id = 2");
    try (OneLog log = OneLog.open(file)) {
      assertEquals(
          List.of("deleted-0@-1: has no row in the partitions table"),
          log.verify().problems().stream().map(VerifyReport.Problem::toString).toList());
    }
  }

  /**
   * A partitions table without the format's columns (a damaged or edited schema) is reported as
   * such, with SQLite's words, for every partition, and not as a missing row. It propagated as a
   * StorageException until HostileFilesIT found that a flipped byte in sqlite_master does this.
   */
  @Test
  void aPartitionsTableWithoutTheFormatsColumnsIsReportedNotAsAMissingRow() throws Exception {
    Path file = twoTopics();
    execute(file, "ALTER TABLE partitions RENAME COLUMN size_bytes TO bytes");
    try (OneLog log = OneLog.builder(file).readOnly().open()) {
      List<VerifyReport.Problem> problems = log.verify().problems();
      assertEquals(2, problems.size(), problems::toString);
      for (VerifyReport.Problem p : problems) {
        assertTrue(p.description().startsWith("its partitions row is unreadable"), p::toString);
        assertTrue(p.description().contains("no such column: size_bytes"), p::toString);
      }
    }
  }

  private static void execute(Path file, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
