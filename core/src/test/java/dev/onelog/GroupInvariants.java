package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the consumer group tables with plain SQL, independently of the library, as {@code
 * LogInvariants} checks the records (which it does not cover): every row belongs to a group that
 * exists; every committed offset belongs to a partition that exists (it may lie past the
 * partition's next offset when committed by hand, as FORMAT.md 12.1 allows); a partition's lease is
 * held and targeted only by members of its group, in a generation no later than the group's. Each
 * query returns the offending rows, so a failure shows them. {@link LogInvariants#check} runs it.
 */
public final class GroupInvariants {
  private GroupInvariants() {}

  private static final String[][] VIOLATIONS = {
    {
      "a member, lease or committed offset of a group that does not exist",
      "SELECT 'member', group_id FROM group_members"
          + " WHERE group_id NOT IN (SELECT group_id FROM consumer_groups)"
          + " UNION ALL SELECT 'lease', group_id FROM group_partitions"
          + " WHERE group_id NOT IN (SELECT group_id FROM consumer_groups)"
          + " UNION ALL SELECT 'offset', group_id FROM group_offsets"
          + " WHERE group_id NOT IN (SELECT group_id FROM consumer_groups)"
    },
    {
      "a committed offset below 0 or of a partition that does not exist",
      "SELECT o.group_id, o.topic_id, o.partition, o.committed_offset, p.next_offset"
          + " FROM group_offsets o LEFT JOIN partitions p"
          + " ON p.topic_id = o.topic_id AND p.partition = o.partition"
          + " WHERE p.next_offset IS NULL OR o.committed_offset < 0"
    },
    {
      "a lease held or targeted by a member not in its group",
      "SELECT l.group_id, l.topic_id, l.partition, l.owner_member, l.target_member"
          + " FROM group_partitions l WHERE (l.owner_member IS NOT NULL AND NOT EXISTS"
          + " (SELECT 1 FROM group_members m"
          + " WHERE m.group_id = l.group_id AND m.member_id = l.owner_member))"
          + " OR (l.target_member IS NOT NULL AND NOT EXISTS (SELECT 1 FROM group_members m"
          + " WHERE m.group_id = l.group_id AND m.member_id = l.target_member))"
    },
    {
      "a lease taken in a generation later than its group's",
      "SELECT l.group_id, l.topic_id, l.partition, l.owner_generation, g.generation"
          + " FROM group_partitions l JOIN consumer_groups g ON g.group_id = l.group_id"
          + " WHERE l.owner_generation > g.generation"
    },
  };

  public static void check(Path file) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement s = c.createStatement()) {
      if (rows(s, "SELECT name FROM sqlite_schema WHERE name = 'consumer_groups'").isEmpty()) {
        return; // a format before consumer groups
      }
      for (String[] violation : VIOLATIONS) {
        assertEquals(List.of(), rows(s, violation[1]), file + ": " + violation[0]);
      }
    } catch (SQLException e) {
      throw new AssertionError("cannot check the group tables of " + file, e);
    }
  }

  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(String.join(" | ", row));
      }
    }
    return rows;
  }
}
