package dev.onelog;

import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import dev.onelog.eventstore.Projection;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.OffsetAndMetadata;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A process for {@link AimedKillIT}, run under the write recorder in its kill mode ({@code
 * core/src/test/c/write_recorder.c}, {@code ONELOG_KILL_ARM}). It prepares work for one operation
 * and runs the operation with the recorder counting its calls (writes, fsyncs, truncates and
 * unlinks of the log's files); then prepares again, arms the recorder to kill it at a random one of
 * that many calls, and runs the operation again, so that the kill lands inside it:
 *
 * <pre>
 * ChildAimedKill FILE OPERATION ROUND SEED ARM_FILE
 *   prints "ACK ..." for each write once its commit returned (see {@link AimedKillIT}),
 *   "AIM N of CALLS" before the armed run, and "MISSED" if the armed run ended before its Nth
 *   call (then it exits with status 0; killed, the JVM's status is 137)
 * </pre>
 */
public final class ChildAimedKill {
  private ChildAimedKill() {}

  /** The operations the kills are aimed at; {@link AimedKillIT} creates their topics. */
  enum Operation {
    CHECKPOINT,
    RETENTION,
    COMPACTION,
    REBALANCE,
    PROJECTION
  }

  /** One operation: {@code prepare} gives it work, {@code run} is the operation aimed at. */
  private interface Work {
    void prepare(String tag) throws Exception;

    void run(String tag) throws Exception;
  }

  static final String GROUP = "aimed";
  static final Duration SESSION = Duration.ofSeconds(2);
  static final String PROJECTION_NAME = "aimed";

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Operation operation = Operation.valueOf(args[1]);
    String round = "r" + args[2];
    Random random = new Random(Long.parseLong(args[3]));
    Path arm = Path.of(args[4]);
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            true,
            StandardCharsets.US_ASCII);
    try (OneLog log = OneLog.builder(file).durability(Durability.FSYNC).open()) {
      Work work = work(operation, log, out);
      work.prepare(round + "p");
      arm(arm, Long.MAX_VALUE / 2);
      work.run(round + "d");
      long calls = disarm(arm);
      work.prepare(round + "q");
      long aim = 1 + (long) (random.nextDouble() * calls);
      out.println("AIM " + aim + " of " + calls);
      arm(arm, aim);
      work.run(round + "a");
      disarm(arm);
      out.println("MISSED");
    }
  }

  /** Writes {@code n} to the arm file: the recorder counts from here and dies at call n. */
  private static void arm(Path arm, long n) throws IOException {
    try (FileOutputStream out = new FileOutputStream(arm.toFile())) {
      out.write((n + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** Disarms the recorder and returns how many calls it counted since it was armed. */
  private static long disarm(Path arm) throws IOException {
    arm(arm, 0);
    return Long.parseLong(Files.readString(Path.of(arm + ".count")).trim());
  }

  private static Work work(Operation operation, OneLog log, PrintStream out) {
    return switch (operation) {
      case CHECKPOINT ->
          new Work() {
            @Override
            public void prepare(String tag) {}

            @Override
            public void run(String tag) throws Exception {
              // 2.3 MB in one commit: past the 2 MiB that start the checkpointer's round at once;
              // the run lasts until the round has copied it into the file, so that the kill lands
              // in the commit's WAL writes or in the checkpoint's.
              long before = Files.size(log.path());
              appendList(log, out, "cp", tag, 1000, 2300, 0);
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
              while (Files.size(log.path()) < before + 2_000_000 && System.nanoTime() < deadline) {
                Thread.sleep(5);
              }
              Thread.sleep(50); // the round's fsync of the file, after its writes
            }
          };
      case RETENTION ->
          new Work() {
            @Override
            public void prepare(String tag) {
              log.alterTopic("rt", TopicSpec::withUnlimitedRetentionBytes);
              for (int i = 0; i < 20; i++) {
                appendList(log, out, "rt", tag + i, 100, 1000, 0);
              }
            }

            @Override
            public void run(String tag) {
              log.alterTopic("rt", spec -> spec.withRetentionBytes(256 * 1024));
              log.compact();
            }
          };
      case COMPACTION ->
          new Work() {
            @Override
            public void prepare(String tag) {
              for (int i = 0; i < 10; i++) {
                appendList(log, out, "cc", tag + i, 200, 200, 50);
              }
            }

            @Override
            public void run(String tag) {
              log.compact();
            }
          };
      case REBALANCE -> new Rebalance(log, out);
      case PROJECTION ->
          new Work() {
            @Override
            public void prepare(String tag) throws Exception {
              // What an earlier round's kill left unprojected first, so that both runs project
              // the same 3,000 events and the count of the first stands for the second.
              run(tag);
              EventStore store = log.eventStore();
              for (int i = 0; i < 30; i++) {
                List<EventData> events = new ArrayList<>();
                for (int j = 0; j < 100; j++) {
                  events.add(EventData.of("E", bytes(tag + "." + i + "." + j)));
                }
                store.append("s-" + tag, ExpectedVersion.any(), events);
                out.println("ACK events s-" + tag + " " + events.size());
              }
            }

            @Override
            public void run(String tag) throws Exception {
              try (Projection projection = projection(log)) {
                long end = log.eventStore().endPosition();
                if (!projection.awaitCheckpoint(end, Duration.ofMinutes(1))) {
                  throw new IllegalStateException("the projection did not reach " + end);
                }
              }
            }
          };
    };
  }

  /**
   * The projection every round runs (and the test, to finish): one row per event in table
   * aimed_rows, written in the projection's transaction.
   */
  static Projection projection(OneLog log) {
    return log.eventStore()
        .projection(PROJECTION_NAME)
        .table("aimed_rows", t -> "CREATE TABLE " + t + " (position INTEGER, value TEXT)")
        .handler(
            (event, tx) ->
                tx.execute(
                    "INSERT INTO aimed_rows (position, value) VALUES (?, ?)",
                    event.position(),
                    new String(event.data(), StandardCharsets.UTF_8)))
        .batchSize(100)
        .start();
  }

  /**
   * Appends {@code count} records as one atomic list, values {@code TAG.i} padded with spaces to
   * {@code size} bytes, keyed {@code k(i % keys)} when {@code keys > 0}; prints "ACK TOPIC TAG
   * FIRST_OFFSET COUNT" once it returned.
   */
  private static void appendList(
      OneLog log, PrintStream out, String topic, String tag, int count, int size, int keys) {
    List<ProducerRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = keys > 0 ? "k" + (i % keys) : null;
      records.add(ProducerRecord.of(topic, key, padded(tag + "." + i, size)));
    }
    List<RecordMetadata> metas = log.append(records);
    out.println("ACK " + topic + " " + tag + " " + metas.get(0).offset() + " " + count);
  }

  private static String padded(String value, int size) {
    return value.length() >= size ? value : value + " ".repeat(size - value.length());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A rebalance: member A holds the topic's four partitions and commits; member B joins (a
   * rebalance), both commit, B leaves (another). Prints "COMMIT p=o,..." before each commit and
   * "ACK commit p=o,..." once it returned.
   */
  private static final class Rebalance implements Work {
    private final OneLog log;
    private final PrintStream out;
    private GroupConsumer a;

    Rebalance(OneLog log, PrintStream out) {
      this.log = log;
      this.out = out;
    }

    private GroupConsumer member() {
      return log.groups()
          .consumer(GROUP)
          .topics("g")
          .sessionTimeout(SESSION)
          .heartbeatInterval(Duration.ofMillis(200))
          .noAutoCommit()
          .open();
    }

    @Override
    public void prepare(String tag) {
      for (int i = 0; i < 40; i++) {
        log.append(ProducerRecord.of("g", "k" + i, tag + "." + i));
      }
      if (a == null) {
        a = member();
      }
      settle(List.of(a));
      commit(a);
    }

    @Override
    public void run(String tag) {
      try (GroupConsumer b = member()) {
        settle(List.of(a, b));
        commit(a);
        commit(b);
      }
      settle(List.of(a));
      commit(a);
    }

    /** Polls the members until between them they hold the four partitions, each some. */
    private static void settle(List<GroupConsumer> members) {
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (true) {
        Set<TopicPartition> held = new HashSet<>();
        boolean everyone = true;
        for (GroupConsumer member : members) {
          member.poll(Duration.ofMillis(20));
          held.addAll(member.assignment());
          everyone &= !member.assignment().isEmpty();
        }
        if (everyone && held.size() == 4) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the group did not settle: " + held);
        }
      }
    }

    /** Commits each held partition's end offset, so that every commit differs from the last. */
    private void commit(GroupConsumer member) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
      for (TopicPartition p : member.assignment()) {
        offsets.put(p, OffsetAndMetadata.of(log.nextOffset(p)));
      }
      String text =
          offsets.entrySet().stream()
              .map(e -> e.getKey().partition() + "=" + e.getValue().offset())
              .collect(Collectors.joining(","));
      out.println("COMMIT " + text);
      member.commitSync(offsets);
      out.println("ACK commit " + text);
    }
  }
}
