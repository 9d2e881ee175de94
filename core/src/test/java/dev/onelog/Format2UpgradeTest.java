package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.group.OffsetAndMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Format 2 files (format 3 without the consumer group tables) are upgraded in place when opened to
 * write, and refused when opened read-only.
 */
class Format2UpgradeTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  private static final TopicPartition T0 = TopicPartition.of("t", 0);

  /** A format 2 file: written by this version, then its group tables dropped with plain SQL. */
  private static void writeFormat2File(Path file) throws SQLException {
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("t"));
      for (int i = 0; i < 10; i++) {
        log.append(ProducerRecord.of("t", "k" + i, "v" + i));
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String table :
          List.of(
              "group_offsets",
              "group_partitions",
              "group_members",
              "consumer_groups",
              "cleaner_points")) {
        s.execute("DROP TABLE " + table);
      }
      LegacyLayout.rewrite(c);
      s.execute("PRAGMA user_version=2");
    }
  }

  private static List<String> tables(Path file) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_schema ORDER BY name")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Test
  void openingAFormat2FileAddsTheGroupTablesAndKeepsEveryRecord() throws Exception {
    Path file = logs.file("two.db");
    writeFormat2File(file);
    try (OneLog log = OneLog.open(file)) {
      assertEquals(10, log.nextOffset(T0));
      assertEquals("v9", log.read(T0, 9, ReadLimit.DEFAULT).get(0).valueAsString());
      log.transaction(tx -> tx.commitOffsets("g", Map.of(T0, OffsetAndMetadata.of(4))));
      assertEquals(4, log.groups().committed("g").get(T0).offset());
    }
    assertEquals(
        List.of(
            "cleaner_points",
            "consumer_groups",
            "group_members",
            "group_members_instance",
            "group_offsets",
            "group_partitions",
            "log_1_0",
            "partitions",
            "sqlite_autoindex_topics_1",
            "sqlite_sequence",
            "topics"),
        tables(file));
  }

  @Test
  void aReadOnlyOpenRefusesFormat2() throws Exception {
    Path file = logs.dir().resolve("two.db"); // stays format 2: not for LogInvariants
    writeFormat2File(file);
    OlderFormatException e =
        assertThrows(OlderFormatException.class, () -> OneLog.builder(file).readOnly().open());
    assertEquals(2, e.fileFormatVersion());
    assertEquals(6, e.supportedFormatVersion());
  }

  @Test
  void openingAFormat3FileIndexesTheKeysOfItsCompactedTopics() throws Exception {
    Path file = logs.file("three.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("c").withCleanupPolicy(CleanupPolicy.COMPACT));
      log.createTopic(TopicSpec.named("d"));
      for (int i = 0; i < 10; i++) {
        log.append(ProducerRecord.of("c", "k" + (i % 3), "v" + i));
        log.append(ProducerRecord.of("d", "k" + (i % 3), "v" + i));
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE keys_1_0");
      s.execute("DROP TABLE cleaner_points");
      LegacyLayout.rewrite(c);
      s.execute("PRAGMA user_version=3");
    }
    try (OneLog log = OneLog.open(file)) {
      assertEquals(
          "v9",
          log.latest("c", "k0".getBytes(StandardCharsets.UTF_8)).orElseThrow().valueAsString());
      assertEquals(
          "v8",
          log.latest("c", "k2".getBytes(StandardCharsets.UTF_8)).orElseThrow().valueAsString());
      log.compact();
      assertEquals(3, log.describeTopic("c").recordCount());
      assertEquals(10, log.describeTopic("d").recordCount());
    }
    assertTrue(tables(file).containsAll(List.of("cleaner_points", "keys_1_0", "keys_1_0_horizon")));
  }

  @Test
  void openingAFormat4FileMarksEverythingIndexedAndKeepsANewFilesSchema() throws Exception {
    Path file = logs.file("four.db");
    try (OneLog log = OneLog.open(file)) {
      log.createTopic(TopicSpec.named("c").withCleanupPolicy(CleanupPolicy.COMPACT));
      for (int i = 0; i < 10; i++) {
        log.append(ProducerRecord.of("c", "k" + (i % 3), "v" + i));
      }
      log.compact(); // indexes every record, as format 4's appends did
    }
    String newSchema = schemaOf(file, "cleaner_points");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE cleaner_points RENAME TO v5");
      s.execute(
          "CREATE TABLE cleaner_points (topic_id INTEGER NOT NULL, partition INTEGER NOT NULL,"
              + " cleaner_offset INTEGER NOT NULL DEFAULT 0, clean_bytes INTEGER NOT NULL"
              + " DEFAULT 0, PRIMARY KEY (topic_id, partition)) WITHOUT ROWID");
      s.execute(
          "INSERT INTO cleaner_points SELECT topic_id, partition, cleaner_offset, clean_bytes"
              + " FROM v5");
      s.execute("DROP TABLE v5");
      LegacyLayout.rewrite(c);
      s.execute("PRAGMA user_version=4");
    }
    try (OneLog log = OneLog.open(file)) {
      assertEquals(
          "v9",
          log.latest("c", "k0".getBytes(StandardCharsets.UTF_8)).orElseThrow().valueAsString());
    }
    assertEquals(newSchema, schemaOf(file, "cleaner_points"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT c.indexed_offset, p.next_offset FROM cleaner_points c"
                    + " JOIN partitions p USING (topic_id, partition)")) {
      assertTrue(rs.next());
      assertEquals(10, rs.getLong(2));
      assertEquals(10, rs.getLong(1), "format 4 indexed every record");
    }
  }

  private static String schemaOf(Path file, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT sql FROM sqlite_schema WHERE name = '" + table + "'")) {
      assertTrue(rs.next(), table);
      return rs.getString(1);
    }
  }
}
