package dev.onelog.eventstore;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A rerunnable probe of event store append throughput, not a test: threads append to streams chosen
 * with a Zipf distribution, each with an exact expected version, for a fixed time, and the probe
 * prints events per second. Run it after {@code mvn -pl core test-compile}:
 *
 * <pre>
 * java -cp core/target/classes:core/target/test-classes:$(cat cp.txt) \
 *   dev.onelog.eventstore.AppendThroughputProbe [threads] [eventsPerCall] [seconds] [FSYNC|NORMAL] [streams] [plain]
 * </pre>
 *
 * With "plain" last, the threads append plain records of the same shape (key, value, headers) to a
 * topic instead: the log's own cost, the ceiling for events.
 *
 * <p>Each thread owns the streams whose number is its own modulo the thread count, so its expected
 * versions never conflict and every append is stored (a conflict would make the figure lie). 10,000
 * streams by default, Zipf exponent 1.0, events of 100 bytes of data with type "Probed" and UUIDv7
 * ids.
 */
public final class AppendThroughputProbe {
  private AppendThroughputProbe() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int perCall = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Durability durability = args.length > 3 ? Durability.valueOf(args[3]) : Durability.FSYNC;
    int streams = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
    boolean plain = args.length > 5 && args[5].equals("plain");
    Path dir = Files.createTempDirectory("es-probe");
    Path file = dir.resolve("probe.db");
    double[] cumulative = zipf(streams, 1.0);
    AtomicLongArray versions = new AtomicLongArray(streams);
    for (int i = 0; i < streams; i++) {
      versions.set(i, -1);
    }
    byte[] data = new byte[100];
    try (OneLog log = OneLog.builder(file).durability(durability).open()) {
      EventStore store = log.eventStore();
      if (plain) {
        log.createTopic(TopicSpec.named("plain"));
      }
      store.append("warm-up", ExpectedVersion.any(), List.of(EventData.of("Probed", data)));
      long warmupEndNs = System.nanoTime() + 2_000_000_000L;
      long endNs = warmupEndNs + seconds * 1_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Long>> counts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int self = t;
        counts.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(self);
                  long counted = 0;
                  while (true) {
                    long now = System.nanoTime();
                    if (now >= endNs) {
                      return counted;
                    }
                    int stream = pick(cumulative, random.nextDouble());
                    stream = stream - stream % threads + self;
                    if (stream >= streams) {
                      stream = self;
                    }
                    List<EventData> events = new ArrayList<>(perCall);
                    for (int i = 0; i < perCall; i++) {
                      events.add(EventData.of("Probed", data));
                    }
                    if (plain) {
                      List<ProducerRecord> records = new ArrayList<>(perCall);
                      for (EventData event : events) {
                        records.add(plainRecord("stream-" + stream, event));
                      }
                      log.append(records);
                      if (now >= warmupEndNs) {
                        counted += perCall;
                      }
                      continue;
                    }
                    long expected = versions.get(stream);
                    ExpectedVersion version =
                        expected < 0
                            ? ExpectedVersion.noStream()
                            : ExpectedVersion.exactly(expected);
                    AppendResult result = store.append("stream-" + stream, version, events);
                    versions.set(stream, result.version());
                    if (now >= warmupEndNs) {
                      counted += perCall;
                    }
                  }
                }));
      }
      long total = 0;
      for (Future<Long> count : counts) {
        total += count.get();
      }
      pool.shutdown();
      System.out.printf(
          "threads=%d eventsPerCall=%d durability=%s: %,d events/s (%,d events in %d s)%n",
          threads, perCall, durability, total / seconds, total, seconds);
    }
    printShape(file);
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /** A plain record of an event's shape: the same key, value and headers, for comparison. */
  private static ProducerRecord plainRecord(String streamId, EventData event) {
    return ProducerRecord.of("plain", streamId.getBytes(StandardCharsets.UTF_8), event.data())
        .withHeader("es-type", event.type())
        .withHeader("es-version", "12")
        .withHeader("es-id", event.id().toString());
  }

  /** Events per batch of the topic (about events per commit) and the file's pages per table. */
  private static void printShape(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      String table;
      try (ResultSet rs = s.executeQuery("SELECT id FROM topics WHERE name = '__eventstore'")) {
        rs.next();
        table = "log_" + rs.getLong(1) + "_0";
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*), sum(record_count) FROM " + table)) {
        rs.next();
        System.out.printf(
            "  %,d batches, %.1f events per batch%n",
            rs.getLong(1), rs.getDouble(2) / Math.max(1, rs.getLong(1)));
      }
    }
  }

  private static double[] zipf(int n, double exponent) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, exponent);
      cumulative[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cumulative[i] /= sum;
    }
    return cumulative;
  }

  private static int pick(double[] cumulative, double u) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < u) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
