package dev.onelog;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workload of {@link PowerLossIT}, run in a child JVM under the write recorder: opens (and so
 * creates) a log, creates topic "k" of 4 partitions, sends COUNT records from one thread (single
 * sends, and every tenth an atomic list of 5, up to 32 calls in flight), each record's value {@code
 * r<seq>}, and appends one line per acknowledged record to ACKFILE, with one write call per
 * acknowledgement and no fsync: a line written is a record the application was told is stored. With
 * the environment variable ONELOG_TEST_SYNC_SENDS set, each call is a synchronous {@code append}
 * instead, one at a time, so that commits run on the sending thread (Writer#appendAndWait).
 *
 * <pre>
 * ChildAckWriter FILE ACKFILE FSYNC|NORMAL COUNT
 * </pre>
 *
 * When a send fails with {@link LogIOException} (an I/O error injected by the write recorder), it
 * stops sending, prints "IOERROR message", then tries 20 more appends and prints "REFUSED message"
 * for each refused with LogIOException, "ACCEPTED value" for each that is not. Exit status 0 when
 * done, 1 on any other failure (described on stderr).
 */
public final class ChildAckWriter {
  private ChildAckWriter() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Durability durability = Durability.valueOf(args[2]);
    long count = Long.parseLong(args[3]);
    boolean synchronous = System.getenv("ONELOG_TEST_SYNC_SENDS") != null;
    Semaphore inFlight = new Semaphore(32);
    AtomicReference<Throwable> ioError = new AtomicReference<>();
    try (FileOutputStream acks = new FileOutputStream(args[1]);
        OneLog log = OneLog.builder(file).durability(durability).open()) {
      log.createTopic(TopicSpec.named("k").withPartitions(4));
      for (long seq = 0; seq < count && ioError.get() == null; ) {
        List<ProducerRecord> records = new ArrayList<>();
        int size = seq % 10 == 9 ? 5 : 1;
        for (int i = 0; i < size && seq < count; i++, seq++) {
          records.add(ProducerRecord.of("k", "key" + seq, "r" + seq));
        }
        if (synchronous) {
          try {
            List<RecordMetadata> metas =
                records.size() == 1 ? List.of(log.append(records.get(0))) : log.append(records);
            acknowledge(acks, records, metas);
          } catch (LogIOException e) {
            ioError.compareAndSet(null, e);
          }
          continue;
        }
        inFlight.acquire();
        CompletableFuture<List<RecordMetadata>> sent;
        try {
          sent = log.send(records);
        } catch (LogIOException e) { // the writer stopped before this send reached it
          ioError.compareAndSet(null, e);
          inFlight.release();
          break;
        }
        sent.whenComplete(
            (metas, error) -> {
              if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (!(cause instanceof LogIOException)) {
                  error.printStackTrace();
                  Runtime.getRuntime().halt(1);
                }
                ioError.compareAndSet(null, cause);
                inFlight.release();
                return;
              }
              acknowledge(acks, records, metas);
              inFlight.release();
            });
      }
      inFlight.acquire(32);
      if (ioError.get() != null) {
        System.out.println("IOERROR " + ioError.get().getMessage());
        for (int i = 0; i < 20; i++) {
          try {
            log.append(ProducerRecord.of("k", "after", "after" + i));
            System.out.println("ACCEPTED after" + i);
          } catch (LogIOException e) {
            System.out.println("REFUSED " + e.getMessage());
          }
        }
      }
    }
  }

  /** Writes one line per acknowledged record; halts the JVM when the line cannot be written. */
  private static void acknowledge(
      FileOutputStream acks, List<ProducerRecord> records, List<RecordMetadata> metas) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < records.size(); i++) {
      lines
          .append(new String(records.get(i).value(), StandardCharsets.UTF_8))
          .append(' ')
          .append(metas.get(i).partition())
          .append(' ')
          .append(metas.get(i).offset())
          .append('\n');
    }
    try {
      synchronized (acks) {
        acks.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
      }
    } catch (Exception e) {
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
  }
}
