package dev.onelog;

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
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A second process for the multi-process tests, run in its own JVM with this JVM's class path. It
 * speaks one line per event on stdout, printed only after the event happened, so the parent may
 * trust every complete line it reads even when this process is killed mid-write.
 *
 * <pre>
 * ChildAppender FILE TOPIC COUNT [--partitions K] [--prefix S] [--window W]
 *                                [--durability FSYNC|NORMAL] [--await-go]
 *   opens the log, prints READY; with --await-go waits for a line on stdin; then sends COUNT
 *   records, record i with key "S-k&lt;i&gt;" and value "S-&lt;i&gt;" to partition i % K, keeping
 *   up to W sends in flight, and prints "ACK &lt;partition&gt; &lt;offset&gt; &lt;value&gt;" for each
 *   record once its commit returned, in send order; then closes the log and prints DONE.
 *
 * ChildAppender --recreate-topic FILE TOPIC PARTITIONS
 *   opens the log, deletes TOPIC, creates it again with PARTITIONS partitions (a new topic id),
 *   closes the log and prints RECREATED.
 *
 * ChildAppender --hold-write-lock FILE MAX_MILLIS
 *   opens a plain sqlite-jdbc connection, runs BEGIN IMMEDIATE, prints LOCKED, and holds the
 *   write lock until a line or end of input arrives on stdin or MAX_MILLIS pass; then rolls
 *   back, prints RELEASED and exits.
 * </pre>
 *
 * Exit status 0 when done, 2 on bad arguments, 1 on any failure (described on stderr).
 */
public final class ChildAppender {
  private ChildAppender() {}

  public static void main(String[] args) throws Exception {
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false,
            StandardCharsets.US_ASCII);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    try {
      if (args.length == 3 && args[0].equals("--hold-write-lock")) {
        holdWriteLock(Path.of(args[1]), Long.parseLong(args[2]), in, out);
      } else if (args.length == 4 && args[0].equals("--recreate-topic")) {
        recreateTopic(Path.of(args[1]), args[2], Integer.parseInt(args[3]), out);
      } else if (args.length >= 3 && !args[0].startsWith("--")) {
        append(Options.parse(args), in, out);
      } else {
        System.err.println(
            "usage: ChildAppender FILE TOPIC COUNT [options] | --recreate-topic FILE TOPIC PARTITIONS"
                + " | --hold-write-lock FILE MAX_MILLIS");
        System.exit(2);
      }
    } catch (RuntimeException | SQLException | IOException e) {
      out.flush();
      e.printStackTrace();
      System.exit(1);
    }
    out.flush();
    System.exit(0);
  }

  private record Options(
      Path file,
      String topic,
      int count,
      int partitions,
      String prefix,
      int window,
      Durability durability,
      boolean awaitGo) {
    static Options parse(String[] args) {
      int partitions = 1;
      String prefix = "child";
      int window = 1;
      Durability durability = Durability.NORMAL;
      boolean awaitGo = false;
      for (int i = 3; i < args.length; i++) {
        switch (args[i]) {
          case "--partitions" -> partitions = Integer.parseInt(args[++i]);
          case "--prefix" -> prefix = args[++i];
          case "--window" -> window = Integer.parseInt(args[++i]);
          case "--durability" -> durability = Durability.valueOf(args[++i]);
          case "--await-go" -> awaitGo = true;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(
          Path.of(args[0]),
          args[1],
          Integer.parseInt(args[2]),
          partitions,
          prefix,
          window,
          durability,
          awaitGo);
    }
  }

  private static void append(Options options, BufferedReader in, PrintStream out)
      throws IOException {
    try (OneLog log = OneLog.builder(options.file()).durability(options.durability()).open()) {
      out.println("READY");
      out.flush();
      if (options.awaitGo() && in.readLine() == null) {
        throw new IllegalStateException("stdin closed before the go line");
      }
      ArrayDeque<CompletableFuture<RecordMetadata>> inFlight = new ArrayDeque<>();
      ArrayDeque<String> values = new ArrayDeque<>();
      for (int i = 0; i < options.count(); i++) {
        String value = options.prefix() + "-" + i;
        ProducerRecord record =
            ProducerRecord.of(options.topic(), options.prefix() + "-k" + i, value)
                .withPartition(i % options.partitions());
        inFlight.add(log.send(record));
        values.add(value);
        if (inFlight.size() >= options.window()) {
          acknowledge(inFlight, values, out);
        }
      }
      while (!inFlight.isEmpty()) {
        acknowledge(inFlight, values, out);
      }
    }
    out.println("DONE");
    out.flush();
  }

  /** Waits for the oldest send and prints it; flushes when nothing else has completed yet. */
  private static void acknowledge(
      ArrayDeque<CompletableFuture<RecordMetadata>> inFlight,
      ArrayDeque<String> values,
      PrintStream out) {
    RecordMetadata stored = inFlight.peekFirst().join();
    inFlight.removeFirst();
    out.println("ACK " + stored.partition() + " " + stored.offset() + " " + values.removeFirst());
    if (inFlight.isEmpty() || !inFlight.peekFirst().isDone()) {
      out.flush();
    }
  }

  private static void recreateTopic(Path file, String topic, int partitions, PrintStream out) {
    try (OneLog log = OneLog.open(file)) {
      log.deleteTopic(topic);
      log.createTopic(TopicSpec.named(topic).withPartitions(partitions));
    }
    out.println("RECREATED");
    out.flush();
  }

  private static void holdWriteLock(Path file, long maxMillis, BufferedReader in, PrintStream out)
      throws SQLException, InterruptedException {
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement s = connection.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      out.println("LOCKED");
      out.flush();
      ExecutorService stdin =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread thread = new Thread(r, "stdin");
                thread.setDaemon(true);
                return thread;
              });
      Future<String> line = stdin.submit(in::readLine);
      try {
        line.get(maxMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // held for the longest time allowed, or stdin failed: release either way
      } finally {
        stdin.shutdownNow();
      }
      s.execute("ROLLBACK");
    }
    out.println("RELEASED");
    out.flush();
  }
}
