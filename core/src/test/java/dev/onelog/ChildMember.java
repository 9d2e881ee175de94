package dev.onelog;

import dev.onelog.group.CommitFailedException;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.group.OffsetReset;
import dev.onelog.group.RebalanceListener;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * A group member in a process of its own, for the multi-process group tests; started by {@link
 * ChildJvm} with this JVM's class path. As {@link ChildAppender}, it prints one line per event on
 * stdout, only after the event happened, so the parent may trust every complete line it reads even
 * when this process is killed mid-write.
 *
 * <pre>
 * ChildMember member FILE GROUP TOPIC SESSION_MS HEARTBEAT_MS PROCESS_MS
 *   joins GROUP (sticky, earliest, no auto-commit) and prints "JOINED &lt;member id&gt;"; then polls,
 *   and for each record prints
 *     "REC &lt;partition&gt; &lt;offset&gt; &lt;value&gt; &lt;member id&gt; &lt;lease generation&gt; &lt;generation&gt;"
 *   (the lease generation is the partition's owner_generation in the file when the member was
 *   given it, the generation is the group's as the member sees it), spends PROCESS_MS on them (a
 *   window in which a kill leaves processed records uncommitted), commits them with commitSync and
 *   prints "COMMIT &lt;partition&gt; &lt;next offset&gt;" for each partition once it
 *   returned, or "COMMIT_FAILED &lt;partition&gt; ..." when it was refused. The listener prints
 *   "ASSIGNED &lt;partition&gt; &lt;lease owner&gt; &lt;lease generation&gt; &lt;generation&gt; &lt;member
 *   id&gt;" (the lease as the file holds it right then), "REVOKED &lt;partition&gt;" and "LOST &lt;partition&gt;". On a line (or the
 *   end of input) on stdin it finishes the poll in hand, closes the member (it leaves the group)
 *   and the log, and prints CLOSED.
 *
 * ChildMember transform FILE GROUP IN OUT COUNT INSTANCE MAX_POLL
 *   consume-transform-produce as static member INSTANCE of GROUP: creates table processed if it
 *   does not exist, prints "READY &lt;member id&gt; &lt;rows&gt;"; then for each poll of topic IN (at most
 *   MAX_POLL records) runs one log.transaction that sends each record's key and value to the same
 *   partition of OUT, inserts a row (id, in_partition, in_offset) per record into processed and
 *   commits the member's offsets, and prints "TX &lt;records&gt; &lt;rows&gt;" once it committed. When
 *   processed holds COUNT rows it closes and prints "DONE &lt;rows&gt;".
 * </pre>
 *
 * Exit status 0 when done, 2 on bad arguments, 1 on any failure (described on stderr).
 */
public final class ChildMember {
  private ChildMember() {}

  public static void main(String[] args) throws Exception {
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false,
            StandardCharsets.US_ASCII);
    try {
      if (args.length == 7 && args[0].equals("member")) {
        member(
            Path.of(args[1]),
            args[2],
            args[3],
            Duration.ofMillis(Long.parseLong(args[4])),
            Duration.ofMillis(Long.parseLong(args[5])),
            Duration.ofMillis(Long.parseLong(args[6])),
            out);
      } else if (args.length == 8 && args[0].equals("transform")) {
        transform(
            Path.of(args[1]),
            args[2],
            args[3],
            args[4],
            Long.parseLong(args[5]),
            args[6],
            Integer.parseInt(args[7]),
            out);
      } else {
        System.err.println(
            "usage: ChildMember member FILE GROUP TOPIC SESSION_MS HEARTBEAT_MS PROCESS_MS"
                + " | transform FILE GROUP IN OUT COUNT INSTANCE MAX_POLL");
        System.exit(2);
      }
    } catch (RuntimeException | SQLException | InterruptedException e) {
      out.flush();
      e.printStackTrace();
      System.exit(1);
    }
    out.flush();
    System.exit(0);
  }

  // ---- member ----

  private static void member(
      Path file,
      String group,
      String topic,
      Duration sessionTimeout,
      Duration heartbeatInterval,
      Duration processing,
      PrintStream out)
      throws SQLException, InterruptedException {
    StopLine stop = StopLine.watch();
    Map<Integer, Long> leaseGenerations = new HashMap<>();
    try (Connection leases = readOnly(file);
        OneLog log = OneLog.open(file)) {
      GroupConsumer[] self = new GroupConsumer[1];
      RebalanceListener listener =
          new RebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              for (TopicPartition partition : partitions) {
                String[] lease = lease(leases, group, partition);
                leaseGenerations.put(partition.partition(), Long.parseLong(lease[1]));
                out.println(
                    "ASSIGNED "
                        + partition.partition()
                        + " "
                        + lease[0]
                        + " "
                        + lease[1]
                        + " "
                        + self[0].groupMetadata().generation()
                        + " "
                        + self[0].memberId());
              }
              out.flush();
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              partitions.forEach(p -> out.println("REVOKED " + p.partition()));
              out.flush();
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
              partitions.forEach(p -> out.println("LOST " + p.partition()));
              out.flush();
            }
          };
      try (GroupConsumer consumer =
          log.groups()
              .consumer(group)
              .topics(topic)
              .sessionTimeout(sessionTimeout)
              .heartbeatInterval(heartbeatInterval)
              .offsetReset(OffsetReset.EARLIEST)
              .noAutoCommit()
              .rebalanceListener(listener)
              .open()) {
        self[0] = consumer;
        out.println("JOINED " + consumer.memberId());
        out.flush();
        while (!stop.requested()) {
          List<LogRecord> records = consumer.poll(Duration.ofMillis(100));
          if (records.isEmpty()) {
            continue;
          }
          long generation = consumer.groupMetadata().generation();
          for (LogRecord record : records) {
            out.println(
                "REC "
                    + record.partition()
                    + " "
                    + record.offset()
                    + " "
                    + record.valueAsString()
                    + " "
                    + consumer.memberId()
                    + " "
                    + leaseGenerations.get(record.partition())
                    + " "
                    + generation);
          }
          out.flush();
          Thread.sleep(processing.toMillis());
          Map<TopicPartition, OffsetAndMetadata> offsets = GroupConsumer.nextOffsets(records);
          try {
            consumer.commitSync(offsets);
            offsets.forEach((p, o) -> out.println("COMMIT " + p.partition() + " " + o.offset()));
          } catch (CommitFailedException e) {
            out.println("COMMIT_FAILED " + e.partition().partition() + " " + e.getMessage());
          }
          out.flush();
        }
      }
    }
    out.println("CLOSED");
    out.flush();
  }

  /** The lease of a partition as the file holds it now: {owner, owner_generation}. */
  private static String[] lease(Connection c, String group, TopicPartition partition) {
    try (PreparedStatement select =
        c.prepareStatement(
            "SELECT gp.owner_member, gp.owner_generation FROM group_partitions gp"
                + " JOIN topics t ON t.id = gp.topic_id"
                + " WHERE gp.group_id = ? AND t.name = ? AND gp.partition = ?")) {
      select.setString(1, group);
      select.setString(2, partition.topic());
      select.setInt(3, partition.partition());
      try (ResultSet rs = select.executeQuery()) {
        return rs.next()
            ? new String[] {rs.getString(1), Long.toString(rs.getLong(2))}
            : new String[] {"none", "-1"};
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading the lease of " + partition + ": " + e, e);
    }
  }

  static Connection readOnly(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5000);
    return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }

  // ---- transform ----

  private static void transform(
      Path file,
      String group,
      String in,
      String outTopic,
      long count,
      String instance,
      int maxPoll,
      PrintStream out) {
    try (OneLog log = OneLog.open(file);
        GroupConsumer consumer =
            log.groups()
                .consumer(group)
                .topics(in)
                .staticMemberId(instance)
                .offsetReset(OffsetReset.EARLIEST)
                .noAutoCommit()
                .maxPollRecords(maxPoll)
                .open()) {
      long rows =
          log.transactionResult(
              tx -> {
                tx.execute(
                    "CREATE TABLE IF NOT EXISTS processed"
                        + " (id TEXT NOT NULL, in_partition INTEGER NOT NULL,"
                        + " in_offset INTEGER NOT NULL)");
                return countRows(tx);
              });
      out.println("READY " + consumer.memberId() + " " + rows);
      out.flush();
      while (rows < count) {
        List<LogRecord> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        rows =
            log.transactionResult(
                tx -> {
                  for (LogRecord r : records) {
                    tx.send(
                        ProducerRecord.of(outTopic, r.keyAsString(), r.valueAsString())
                            .withPartition(r.partition()));
                    tx.execute(
                        "INSERT INTO processed (id, in_partition, in_offset) VALUES (?, ?, ?)",
                        r.valueAsString(),
                        r.partition(),
                        r.offset());
                  }
                  tx.commitOffsets(consumer.groupMetadata(), GroupConsumer.nextOffsets(records));
                  return countRows(tx);
                });
        out.println("TX " + records.size() + " " + rows);
        out.flush();
      }
      out.println("DONE " + rows);
      out.flush();
    }
  }

  private static long countRows(Transaction tx) {
    return tx.query("SELECT count(*) FROM processed", row -> row.getLong(1)).get(0);
  }

  /** A line, or the end of input, on stdin: the parent asks this process to stop cleanly. */
  private static final class StopLine {
    private volatile boolean requested;

    static StopLine watch() {
      StopLine stop = new StopLine();
      Thread thread =
          new Thread(
              () -> {
                try {
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))
                      .readLine();
                } catch (IOException e) {
                  // stdin failed: stop as on the end of input
                }
                stop.requested = true;
              },
              "stdin");
      thread.setDaemon(true);
      thread.start();
      return stop;
    }

    boolean requested() {
      return requested;
    }
  }
}
