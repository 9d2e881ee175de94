package dev.onelog;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The workload of {@link PowerLossIT}, run in a child JVM under the write recorder: opens (and so
 * creates) a log, creates topic "k" of 4 partitions, sends COUNT records from one thread (single
 * sends, and every tenth an atomic list of 5, up to 32 calls in flight), each record's value {@code
 * r<seq>}, and appends one line per acknowledged record to ACKFILE, with one write call per
 * acknowledgement and no fsync: a line written is a record the application was told is stored.
 *
 * <pre>
 * ChildAckWriter FILE ACKFILE FSYNC|NORMAL COUNT
 * </pre>
 *
 * Exit status 0 when done, 1 on any failure (described on stderr).
 */
public final class ChildAckWriter {
  private ChildAckWriter() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Durability durability = Durability.valueOf(args[2]);
    long count = Long.parseLong(args[3]);
    Semaphore inFlight = new Semaphore(32);
    try (FileOutputStream acks = new FileOutputStream(args[1]);
        OneLog log = OneLog.builder(file).durability(durability).open()) {
      log.createTopic(TopicSpec.named("k").withPartitions(4));
      for (long seq = 0; seq < count; ) {
        List<ProducerRecord> records = new ArrayList<>();
        int size = seq % 10 == 9 ? 5 : 1;
        for (int i = 0; i < size && seq < count; i++, seq++) {
          records.add(ProducerRecord.of("k", "key" + seq, "r" + seq));
        }
        inFlight.acquire();
        log.send(records)
            .whenComplete(
                (metas, error) -> {
                  if (error != null) {
                    error.printStackTrace();
                    Runtime.getRuntime().halt(1);
                  }
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
                  inFlight.release();
                });
      }
      log.flush();
      inFlight.acquire(32);
    }
  }
}
