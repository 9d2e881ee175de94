package dev.onelog.internal.transaction;

import dev.onelog.internal.write.StepContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses a caller's SQL that would break the log from inside a transaction, where that is cheap to
 * tell: statements that control transactions (the group commit owns them), {@code PRAGMA}, {@code
 * ATTACH}, {@code DETACH} and {@code VACUUM}; statements whose compiled program opens one of
 * onelog's own tables for writing or destroys or clears it (read from {@code EXPLAIN}: the {@code
 * OpenWrite}, {@code Destroy} and {@code Clear} opcodes name a b-tree's root page); and DDL that
 * names one of onelog's tables or a name onelog reserves ({@code log_<T>_<P>}, the group tables),
 * such as a trigger on {@code topics}. It cannot see writes that a trigger the caller created on
 * its own table makes to onelog's tables: do not create such triggers.
 *
 * <p>The verdict is cached per statement text and schema version, so a statement a caller runs
 * again and again is explained once. One per log ({@code LogContext.layer}). Not thread-safe: the
 * writer thread's.
 */
public final class SqlGuard implements AutoCloseable {

  private static final Pattern FIRST_WORD =
      Pattern.compile("^(?:\\s|--[^\\n]*\\n?|/\\*.*?\\*/)*([A-Za-z]+)", Pattern.DOTALL);
  private static final Set<String> REFUSED_FIRST_WORDS =
      Set.of(
          "BEGIN",
          "COMMIT",
          "END",
          "ROLLBACK",
          "SAVEPOINT",
          "RELEASE",
          "PRAGMA",
          "ATTACH",
          "DETACH",
          "VACUUM");
  private static final Pattern RESERVED_NAME =
      Pattern.compile(
          "(?i)(?<![A-Za-z0-9_])[\"`\\[]?(topics|partitions|sqlite_sequence|consumer_groups"
              + "|group_members|group_members_instance|group_partitions|group_offsets"
              + "|log_[0-9]+_[0-9]+|es_streams|es_events|es_event_ids|es_events_by_type"
              + "|es_event_tags|es_index|es_projections|es_snapshots)[\"`\\]]?(?![A-Za-z0-9_])");
  private static final String OWN_ROOT_PAGES =
      "SELECT rootpage FROM sqlite_schema WHERE tbl_name IN ('topics', 'partitions',"
          + " 'sqlite_sequence', 'consumer_groups', 'group_members', 'group_partitions',"
          + " 'group_offsets', 'es_streams', 'es_events', 'es_event_ids', 'es_event_tags', 'es_index', 'es_projections',"
          + " 'es_snapshots') OR tbl_name GLOB 'log_[0-9]*_[0-9]*'";

  /** The schema version the cached verdicts are valid for. */
  private int schemaVersion = -1;

  private Set<Integer> ownRootPages = Set.of();

  /** Verdicts by SQL text: "" to run it, else why it is refused. */
  private final Map<String, String> refusals =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > 256;
        }
      };

  /**
   * @throws IllegalArgumentException saying why the statement is refused and what to do instead
   */
  void check(StepContext tx, String sql) throws SQLException {
    int current = schemaVersion(tx);
    if (current != schemaVersion) {
      schemaVersion = current;
      ownRootPages = ownRootPages(tx);
      refusals.clear();
    }
    String refusal = refusals.get(sql);
    if (refusal == null) {
      refusal = judge(tx, sql, ownRootPages);
      refusals.put(sql, refusal);
    }
    if (!refusal.isEmpty()) {
      throw new IllegalArgumentException(refusal);
    }
  }

  /** The reason to refuse the statement, or "" to run it. */
  private static String judge(StepContext tx, String sql, Set<Integer> ownRootPages)
      throws SQLException {
    Matcher first = FIRST_WORD.matcher(sql);
    String word = first.find() ? first.group(1).toUpperCase(Locale.ROOT) : "";
    if (REFUSED_FIRST_WORDS.contains(word)) {
      return "a transaction's SQL may not be "
          + word
          + " ["
          + sql
          + "]: the log's group commit begins, commits and rolls back the transaction, and"
          + " PRAGMA, ATTACH, DETACH and VACUUM would change the connection every writer shares;"
          + " throw from the body to roll back what it did";
    }
    if (word.equals("CREATE") || word.equals("ALTER") || word.equals("DROP")) {
      Matcher reserved = RESERVED_NAME.matcher(sql);
      if (reserved.find()) {
        return "the statement ["
            + sql
            + "] names '"
            + reserved.group(1)
            + "', one of onelog's own tables or a name it reserves (topics, partitions, log_<T>_<P>,"
            + " consumer_groups, group_*, the event store's es_*); choose another name for your"
            + " tables";
      }
    }
    try (Statement s = tx.connection().createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
      while (rs.next()) {
        String opcode = rs.getString("opcode");
        int root =
            switch (opcode) {
              case "OpenWrite" -> rs.getInt("p2");
              case "Destroy", "Clear" -> rs.getInt("p1");
              default -> -1;
            };
        if (root > 0 && ownRootPages.contains(root)) {
          return "the statement ["
              + sql
              + "] writes one of onelog's own tables (topics, partitions, log_<T>_<P>, the group"
              + " tables, the event store's es_* tables); write them only through the log's API:"
              + " tx.send, tx.commitOffsets, eventStore().append(tx, ...)";
        }
      }
    }
    return "";
  }

  private static int schemaVersion(StepContext tx) throws SQLException {
    try (ResultSet rs = tx.statements().get("PRAGMA schema_version").executeQuery()) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static Set<Integer> ownRootPages(StepContext tx) throws SQLException {
    Set<Integer> pages = new HashSet<>();
    try (Statement s = tx.connection().createStatement();
        ResultSet rs = s.executeQuery(OWN_ROOT_PAGES)) {
      while (rs.next()) {
        pages.add(rs.getInt(1));
      }
    }
    return pages;
  }

  @Override
  public void close() {}
}
