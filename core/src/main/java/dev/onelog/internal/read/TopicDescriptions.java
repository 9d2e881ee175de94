package dev.onelog.internal.read;

import dev.onelog.PartitionDescription;
import dev.onelog.TopicDescription;
import dev.onelog.internal.storage.StatementCache;
import dev.onelog.internal.storage.TopicCatalog;
import dev.onelog.internal.storage.TopicMeta;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The reads behind {@code OneLog}'s topic listing and description. Stateless. */
public final class TopicDescriptions {
  private TopicDescriptions() {}

  /** Every topic's name, sorted, read afresh from the file. */
  public static ReaderSessions.SqlWork<List<String>> names(TopicCatalog catalog) {
    return session -> catalog.list(session.connection()).stream().map(TopicMeta::name).toList();
  }

  /** A topic's configuration and each partition's offsets, counters and newest timestamp. */
  public static ReaderSessions.SqlWork<TopicDescription> describe(
      TopicCatalog catalog, String name) {
    return session -> {
      TopicMeta topic = catalog.require(name, session.connection());
      List<PartitionDescription> partitions = new ArrayList<>(topic.partitions());
      for (int p = 0; p < topic.partitions(); p++) {
        PartitionReader.PartitionState state = PartitionReader.state(session, topic, p);
        long[] cleaner = topic.compacted() ? cleanerPoint(session, topic, p) : new long[] {-1, 0};
        partitions.add(
            new PartitionDescription(
                p,
                state.logStartOffset(),
                state.nextOffset(),
                state.recordCount(),
                state.sizeBytes(),
                PartitionReader.lastTimestampMs(session, topic, p),
                cleaner[0],
                cleaner[1]));
      }
      return new TopicDescription(topic.spec(), topic.createdAtMs(), List.copyOf(partitions));
    };
  }

  /** The partition's cleaner point and clean bytes, from {@code cleaner_points}. */
  private static long[] cleanerPoint(StatementCache session, TopicMeta topic, int partition)
      throws SQLException {
    java.sql.PreparedStatement select =
        session.get(
            "SELECT cleaner_offset, clean_bytes FROM cleaner_points"
                + " WHERE topic_id = ? AND partition = ?");
    select.setLong(1, topic.id());
    select.setInt(2, partition);
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
    }
  }

  /** The database's size in bytes, pages in use and free, without the -wal file. */
  public static long fileSizeBytes(StatementCache session) throws SQLException {
    try (Statement s = session.connection().createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }
}
