package dev.onelog;

import dev.onelog.eventstore.AppendResult;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * A writer process for {@link KillNineIT}, killed with SIGKILL at random moments and started again
 * with the next incarnation number. Two threads write until killed, each value naming its writer,
 * incarnation, kind and sequence number ({@code w<W>.i<I>.<kind>.<seq>}), and print one line per
 * acknowledged write, only once its commit returned:
 *
 * <pre>
 * ChildKillWriter FILE WRITER INCARNATION FSYNC|NORMAL
 *   thread "appends": asynchronous single sends to topic "k" (up to 64 in flight) and, every
 *     tenth, an atomic list of 5 through send(List), each record keyed by its value:
 *     "ACK a VALUE PARTITION OFFSET"
 *   thread "events": an event-store append of 1 to 3 events to stream "w&lt;W&gt;" at its expected
 *     version, then a log.transaction that sends a record to topic "t" and inserts the same value
 *     into table kill_rows: "ACK e VALUE VERSION" per event, "ACK x VALUE OFFSET"
 *   thread "maintenance", so that kills land inside compaction, retention and checkpoints: sends
 *     20 records to the compacted topic "c", keyed "w&lt;W&gt;.k&lt;0..9&gt;" (the same keys in every
 *     incarnation), and 20 to topic "r", then runs log.compact() and deletes the records of its
 *     "r" partition W but the last 50: "ACK c VALUE PARTITION OFFSET", "ACK r VALUE PARTITION
 *     OFFSET"
 * </pre>
 *
 * Prints "READY MILLIS" once open, with the milliseconds the open took. The appends are paced (a
 * pause of 10 ms every 20 records) so that a run of many kills stays a size the parent checks in
 * memory. Exit status 1 on any failure (described on stderr), which the parent reports; it never
 * exits on its own otherwise.
 */
public final class ChildKillWriter {
  private ChildKillWriter() {}

  private static final int IN_FLIGHT = 64;

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String prefix = "w" + args[1] + ".i" + args[2] + ".";
    Durability durability = Durability.valueOf(args[3]);
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            true,
            StandardCharsets.US_ASCII);
    long start = System.nanoTime();
    // A minute, not the default 5 s: SQLite's busy handler is not fair, and among four processes
    // of three writing threads each on two cores one writer once waited more than 5 s for the
    // lock (BusyTimeoutException) in a 1,000-kill run; this battery is about what survives a kill.
    try (OneLog log =
        OneLog.builder(file).durability(durability).busyTimeout(Duration.ofMinutes(1)).open()) {
      out.println("READY " + (System.nanoTime() - start) / 1_000_000);
      Thread appends = new Thread(() -> run(() -> appends(log, prefix, out)), "appends");
      Thread events =
          new Thread(() -> run(() -> events(log, "w" + args[1], prefix, out)), "events");
      Thread maintenance =
          new Thread(() -> run(() -> maintenance(log, args[1], prefix, out)), "maintenance");
      appends.start();
      events.start();
      maintenance.start();
      appends.join();
      events.join();
      maintenance.join();
    }
  }

  private interface Loop {
    void run() throws Exception;
  }

  private static void run(Loop loop) {
    try {
      loop.run();
    } catch (Throwable e) {
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
  }

  private static void appends(OneLog log, String prefix, PrintStream out) throws Exception {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    for (long seq = 0, op = 1; ; op++) {
      if (op % 20 == 0) {
        Thread.sleep(10);
      }
      if (op % 10 == 9) {
        List<ProducerRecord> list = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          String value = prefix + "a." + seq++;
          list.add(ProducerRecord.of("k", value, value));
        }
        inFlight.acquire();
        log.send(list).whenComplete((metas, error) -> ack(list, metas, error, out, inFlight));
      } else {
        String value = prefix + "a." + seq++;
        List<ProducerRecord> one = List.of(ProducerRecord.of("k", value, value));
        inFlight.acquire();
        CompletableFuture<RecordMetadata> sent = log.send(one.get(0));
        sent.whenComplete(
            (meta, error) -> ack(one, error == null ? List.of(meta) : null, error, out, inFlight));
      }
    }
  }

  private static void ack(
      List<ProducerRecord> records,
      List<RecordMetadata> metas,
      Throwable error,
      PrintStream out,
      Semaphore inFlight) {
    if (error != null) {
      error.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
    synchronized (out) {
      for (int i = 0; i < records.size(); i++) {
        out.println(
            "ACK a "
                + new String(records.get(i).value(), StandardCharsets.UTF_8)
                + " "
                + metas.get(i).partition()
                + " "
                + metas.get(i).offset());
      }
    }
    inFlight.release();
  }

  private static void maintenance(OneLog log, String writer, String prefix, PrintStream out) {
    TopicPartition retained = new TopicPartition("r", Integer.parseInt(writer));
    for (long seq = 0; ; ) {
      List<ProducerRecord> compacted = new ArrayList<>();
      List<ProducerRecord> deleted = new ArrayList<>();
      for (int i = 0; i < 20; i++, seq++) {
        String key = "w" + writer + ".k" + (seq % 10);
        compacted.add(ProducerRecord.of("c", key, prefix + "c." + seq));
        deleted.add(
            new ProducerRecord(
                "r", retained.partition(), null, null, bytes(prefix + "r." + seq), List.of()));
      }
      List<RecordMetadata> c = log.append(compacted);
      List<RecordMetadata> r = log.append(deleted);
      synchronized (out) {
        for (int i = 0; i < 20; i++) {
          out.println(
              "ACK c "
                  + new String(compacted.get(i).value(), StandardCharsets.UTF_8)
                  + " "
                  + c.get(i).partition()
                  + " "
                  + c.get(i).offset());
          out.println(
              "ACK r "
                  + new String(deleted.get(i).value(), StandardCharsets.UTF_8)
                  + " "
                  + r.get(i).partition()
                  + " "
                  + r.get(i).offset());
        }
      }
      log.compact();
      log.deleteRecordsBefore(retained, Math.max(0, log.nextOffset(retained) - 50));
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void events(OneLog log, String stream, String prefix, PrintStream out) {
    EventStore store = log.eventStore();
    long version = store.streamVersion(stream);
    for (long seq = 0; ; seq++) {
      int count = 1 + (int) (seq % 3);
      List<EventData> events = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String value = prefix + "e." + seq + "." + i;
        values.add(value);
        events.add(EventData.of("Written", value.getBytes(StandardCharsets.UTF_8)));
      }
      ExpectedVersion expected =
          version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version);
      AppendResult result = store.append(stream, expected, events);
      version = result.version();
      synchronized (out) {
        for (int i = 0; i < count; i++) {
          out.println("ACK e " + values.get(i) + " " + (version - count + 1 + i));
        }
      }
      String value = prefix + "x." + seq;
      long offset =
          log.transactionResult(
              tx -> {
                RecordMetadata meta = tx.send(ProducerRecord.of("t", value, value));
                tx.execute("INSERT INTO kill_rows (value) VALUES (?)", value);
                return meta.offset();
              });
      synchronized (out) {
        out.println("ACK x " + value + " " + offset);
      }
    }
  }
}
