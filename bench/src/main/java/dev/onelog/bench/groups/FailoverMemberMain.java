package dev.onelog.bench.groups;

import dev.onelog.Durability;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.group.CommitFailedException;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.OffsetReset;
import dev.onelog.group.RebalanceListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One member of the failover scenario's group, in a JVM of its own: {@code <file> <group> <topic>
 * <sessionTimeoutMs>}. It consumes at least once (poll, then {@code commitSync()} of what the poll
 * returned) and tells the scenario what happens on standard output, one event a line, each with
 * {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, so comparable between processes):
 *
 * <pre>
 * READY &lt;memberId&gt;
 * MEMBER &lt;memberId&gt;                    (a new id: its session expired and it joined again)
 * COMMITFAILED &lt;nanos&gt;                 (commitSync threw CommitFailedException; it polls on)
 * ASSIGNED &lt;nanos&gt; &lt;topic-partition&gt;...   (onPartitionsAssigned)
 * REVOKED &lt;nanos&gt; &lt;topic-partition&gt;...    (onPartitionsRevoked, or Lost)
 * FIRST &lt;nanos&gt; &lt;topic-partition&gt; &lt;offset&gt;  (the first record of a partition since it was assigned)
 * CLOSING &lt;nanos&gt;                       (close() called, after the line CLOSE came on standard input)
 * CLOSED &lt;nanos&gt;                        (close() returned)
 * </pre>
 */
public final class FailoverMemberMain {
  private FailoverMemberMain() {}

  private static volatile boolean closeAsked;

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String groupId = args[1];
    String topic = args[2];
    Duration sessionTimeout = Duration.ofMillis(Long.parseLong(args[3]));
    Thread stdin = new Thread(FailoverMemberMain::readCommands, "commands");
    stdin.setDaemon(true);
    stdin.start();
    Set<TopicPartition> waitingForFirst = new HashSet<>();
    RebalanceListener listener =
        new RebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            waitingForFirst.addAll(partitions);
            say("ASSIGNED " + System.nanoTime() + " " + names(partitions));
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            waitingForFirst.removeAll(partitions);
            say("REVOKED " + System.nanoTime() + " " + names(partitions));
          }
        };
    try (OneLog log = OneLog.builder(file).durability(Durability.FSYNC).open()) {
      GroupConsumer member =
          log.groups()
              .consumer(groupId)
              .topics(topic)
              .sessionTimeout(sessionTimeout)
              .noAutoCommit()
              .offsetReset(OffsetReset.EARLIEST)
              .rebalanceListener(listener)
              .open();
      String memberId = member.memberId();
      say("READY " + memberId);
      while (!closeAsked) {
        List<LogRecord> records = member.poll(Duration.ofMillis(100));
        if (!member.memberId().equals(memberId)) {
          memberId = member.memberId();
          say("MEMBER " + memberId);
        }
        for (LogRecord record : records) {
          if (waitingForFirst.remove(record.topicPartition())) {
            say(
                "FIRST "
                    + System.nanoTime()
                    + " "
                    + record.topicPartition()
                    + " "
                    + record.offset());
          }
        }
        if (!records.isEmpty()) {
          try {
            member.commitSync();
          } catch (CommitFailedException e) {
            // What an application does: the records will be processed again by the partitions'
            // new holder; this member's next poll joins again.
            say("COMMITFAILED " + System.nanoTime());
            System.err.println("  [failover member " + memberId + "] " + e.getMessage());
          }
        }
      }
      say("CLOSING " + System.nanoTime());
      member.close();
      say("CLOSED " + System.nanoTime());
    }
  }

  private static void readCommands() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("CLOSE")) {
          break;
        }
      }
    } catch (IOException e) {
      // the scenario went away: close as asked
    }
    closeAsked = true;
  }

  private static String names(Collection<TopicPartition> partitions) {
    StringBuilder out = new StringBuilder();
    for (TopicPartition partition : partitions) {
      out.append(out.length() == 0 ? "" : " ").append(partition);
    }
    return out.toString();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
