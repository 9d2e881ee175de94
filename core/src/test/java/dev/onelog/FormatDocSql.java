package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.group.GroupDescription;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.PartitionOffset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The SQL that docs/FORMAT.md sections 10, 12.2 and 13.6 print for the {@code sqlite3} shell, taken
 * from the page itself so that the page and {@link FormatInteropIT} and {@link FormatCompactionIT}
 * cannot drift apart. A block is the fenced {@code sql} code between the lines {@code <!-- begin
 * NAME ...} and {@code <!-- end NAME -->}. Stateless.
 */
final class FormatDocSql {
  /** What the records query lists by default: partition 0 of topic id 1, offsets 0 to 99. */
  static final String DOC_TABLE = "log_1_0";

  static final long DOC_FROM = 0;
  static final long DOC_TO = 99;

  private FormatDocSql() {}

  static Path formatMd() {
    return InteropProcess.moduleDirectory().resolve("../docs/FORMAT.md").normalize();
  }

  /** The records query, exactly as the page prints it. */
  static String recordsQuery() {
    return block("records-query");
  }

  /**
   * The records query with another table and range, changed as the page tells its reader to: the
   * table name and the four numbers, nothing else.
   */
  static String recordsQuery(String table, long fromOffset, long toOffset) {
    String sql = recordsQuery();
    sql = replaceOnce(sql, "FROM " + DOC_TABLE, "FROM " + table);
    sql =
        replaceOnce(
            sql,
            "last_offset >= " + DOC_FROM + " AND base_offset <= " + DOC_TO,
            "last_offset >= " + fromOffset + " AND base_offset <= " + toOffset);
    return replaceOnce(
        sql,
        "offset BETWEEN " + DOC_FROM + " AND " + DOC_TO,
        "offset BETWEEN " + fromOffset + " AND " + toOffset);
  }

  /** The statements of a block, each with the comment lines before it. */
  static List<String> statements(String name) {
    List<String> statements = new ArrayList<>();
    for (String statement : block(name).split(";\n")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  /** The cheap queries, each statement with the comment lines before it. */
  static List<String> partitionQueries() {
    return statements("partition-queries");
  }

  /**
   * Runs the page's cheap queries as they stand on a file with topics "binary" and "orders" (id 1)
   * and checks them against Java's view of it; returns their rows, each as sqlite3 prints it.
   */
  static List<String> checkPartitionQueries(Connection c, OneLog log) throws SQLException {
    List<String> queries = partitionQueries();
    assertEquals(4, queries.size(), queries::toString);
    List<String> partitions = new ArrayList<>();
    for (String topic : List.of("binary", "orders")) {
      for (PartitionDescription p : log.describeTopic(topic).partitions()) {
        partitions.add(
            String.join(
                "|",
                topic,
                Integer.toString(p.partition()),
                Long.toString(p.earliestOffset()),
                Long.toString(p.nextOffset()),
                Long.toString(p.recordCount()),
                Long.toString(p.sizeInBytes())));
      }
    }
    assertEquals(partitions, rows(c, queries.get(0)), queries.get(0));

    List<String> batches =
        rows(c, "SELECT base_offset, last_offset, record_count FROM log_1_0 ORDER BY last_offset");
    List<String> newest = rows(c, queries.get(1));
    assertEquals(Math.min(10, batches.size()), newest.size(), queries.get(1));
    assertTrue(newest.get(0).startsWith(batches.get(batches.size() - 1) + "|"), newest.get(0));

    PartitionDescription orders0 = log.describeTopic("orders").partitions().get(0);
    long storedBytes = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT records FROM log_1_0")) {
      while (rs.next()) {
        storedBytes += rs.getBytes(1).length;
      }
    }
    assertEquals(
        List.of(batches.size() + "|" + orders0.recordCount() + "|" + storedBytes),
        rows(c, queries.get(2)),
        queries.get(2));

    assertEquals(List.of(batches.get(0)), rows(c, queries.get(3)), "the batch holding offset 1");

    List<String> all = new ArrayList<>();
    for (String query : queries) {
      all.addAll(rows(c, query));
    }
    return all;
  }

  /**
   * Runs the page's group queries (section 12.2) as they stand, in one read transaction as the page
   * says, and checks their rows against {@code log.groups().describe} of every group: each
   * committed partition with its offsets, lag and metadata, then each live member with the
   * partitions it holds (one row with an empty topic and partition when it holds none). Returns
   * their rows, each as sqlite3 prints it. The groups must not change while it runs.
   */
  static List<String> checkGroupQueries(Connection c, OneLog log) throws SQLException {
    List<String> queries = statements("group-queries");
    assertEquals(2, queries.size(), queries::toString);
    List<String> offsets = new ArrayList<>();
    List<String> members = new ArrayList<>();
    for (String group : log.groups().list()) {
      GroupDescription described = log.groups().describe(group);
      for (PartitionOffset o : described.offsets()) {
        if (o.committedOffset() >= 0) { // the page: no committed offset, no row (and no lag)
          offsets.add(
              String.join(
                  "|",
                  group,
                  o.partition().topic(),
                  Integer.toString(o.partition().partition()),
                  Long.toString(o.committedOffset()),
                  Long.toString(o.earliestOffset()),
                  Long.toString(o.nextOffset()),
                  Long.toString(o.lag()),
                  o.metadata()));
        }
      }
      List<MemberDescription> live = new ArrayList<>(described.members());
      live.sort(Comparator.comparing(MemberDescription::memberId));
      for (MemberDescription m : live) {
        String member = String.join("|", group, m.memberId(), m.client());
        if (m.owned().isEmpty()) {
          members.add(member + "||");
        }
        for (TopicPartition owned : m.owned()) {
          members.add(member + "|" + owned.topic() + "|" + owned.partition());
        }
      }
    }
    List<String> offsetRows;
    List<String> memberRows;
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
      try {
        offsetRows = rows(c, queries.get(0));
        memberRows = rows(c, queries.get(1));
      } finally {
        s.execute("COMMIT");
      }
    }
    assertEquals(offsets, offsetRows, queries.get(0));
    assertEquals(members, memberRows, queries.get(1));
    List<String> all = new ArrayList<>(offsetRows);
    all.addAll(memberRows);
    return all;
  }

  /** The fenced SQL between the named markers. */
  static String block(String name) {
    List<String> lines;
    try {
      lines = Files.readAllLines(formatMd(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + formatMd(), e);
    }
    int begin = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("<!-- begin " + name + ":")) {
        assertEquals(-1, begin, "one begin marker for " + name + " in " + formatMd());
        begin = i;
      } else if (lines.get(i).equals("<!-- end " + name + " -->")) {
        end = i;
      }
    }
    assertTrue(
        begin >= 0 && end > begin + 2,
        "FORMAT.md has '<!-- begin " + name + ": ...' and, after it, '<!-- end " + name + " -->'");
    assertEquals("```sql", lines.get(begin + 1), name + " starts with a ```sql fence");
    assertEquals("```", lines.get(end - 1), name + " ends with a ``` fence");
    return String.join("\n", lines.subList(begin + 2, end - 1)) + "\n";
  }

  private static String replaceOnce(String sql, String from, String to) {
    int at = sql.indexOf(from);
    assertTrue(
        at >= 0 && sql.indexOf(from, at + 1) < 0,
        "FORMAT.md's records query has '"
            + from
            + "' exactly once; if the query changed, change FormatDocSql with it");
    return sql.substring(0, at) + to + sql.substring(at + from.length());
  }

  /** Runs a records query and gives each row as {@link #row}. */
  static List<String> records(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertEquals(4, rs.getMetaData().getColumnCount(), "offset, timestamp_ms, key, value");
      while (rs.next()) {
        // getBytes gives a TEXT value's bytes as stored: CAST(key AS TEXT) loses nothing here
        rows.add(row(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getBytes(4)));
      }
    }
    return rows;
  }

  /**
   * Runs any query and gives each row as its columns' text joined by '|', NULL as nothing, as
   * sqlite3 prints them.
   */
  static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          String column = rs.getString(i);
          columns.add(column == null ? "" : column);
        }
        rows.add(String.join("|", columns));
      }
    }
    return rows;
  }

  /**
   * A records query wrapped so that the sqlite3 command prints every key and value as an SQL
   * literal, X'..' or NULL, whatever the bytes: each row as {@link #row} gives it.
   */
  static String withBlobLiterals(String recordsQuery) {
    String query = recordsQuery.strip();
    assertTrue(query.endsWith(";"), "the records query ends with ';'");
    return "SELECT offset || ' ' || timestamp_ms || ' ' || quote(CAST(key AS BLOB)) || ' '"
        + " || quote(CAST(value AS BLOB)) FROM (\n"
        + query.substring(0, query.length() - 1)
        + "\n);\n";
  }

  /** One record as the tests compare them: offset, timestamp, and key and value as literals. */
  static String row(long offset, long timestampMs, byte[] key, byte[] value) {
    return offset + " " + timestampMs + " " + literal(key) + " " + literal(value);
  }

  static String row(LogRecord record) {
    return row(record.offset(), record.timestampMs(), record.key(), record.value());
  }

  /** A record as sqlite3's {@code .mode quote} prints the records query's text columns. */
  static String quoteModeRow(LogRecord record) {
    return record.offset()
        + ","
        + record.timestampMs()
        + ","
        + quotedText(record.key())
        + ","
        + quotedText(record.value());
  }

  private static String quotedText(byte[] bytes) {
    return bytes == null
        ? "NULL"
        : "'" + new String(bytes, StandardCharsets.UTF_8).replace("'", "''") + "'";
  }

  /** quote() of a blob: X'...' in upper-case hex, or NULL. */
  private static String literal(byte[] bytes) {
    return bytes == null ? "NULL" : "X'" + HexFormat.of().withUpperCase().formatHex(bytes) + "'";
  }
}
