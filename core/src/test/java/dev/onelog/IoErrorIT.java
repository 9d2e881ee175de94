package dev.onelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O error battery (docs/RELIABILITY.md): {@link ChildAckWriter} appends in FSYNC under the
 * write recorder, which fails the Nth fsync, or the Nth write to the WAL, with EIO. The failing
 * append must get a {@link LogIOException}; every later one too (the log refuses writes until
 * reopened: nothing is acknowledged after a failed fsync); and the file, opened again without
 * failures, must hold every acknowledged record where it was acknowledged, once, with {@code
 * verify} clean. Every third trial appends synchronously, one call at a time, so that its commits
 * run on the calling thread (the writer sleeps) and the error meets the caller there. Each N is a
 * trial: {@code -Donelog.ioErrorTrials=K} runs K of each kind (default 6).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IoErrorIT {
  private static final int RECORDS = 3_000;

  @TempDir Path dir;

  @Test
  void aFailedFsyncOrWriteIsReportedAndNothingAcknowledgedIsLost() throws Exception {
    int trials = Integer.getInteger("onelog.ioErrorTrials", 6);
    List<String> failures = new ArrayList<>();
    int passed = 0;
    long acknowledged = 0;
    for (String kind : List.of("ONELOG_FAIL_FSYNC", "ONELOG_FAIL_WRITE")) {
      for (int t = 0; t < trials; t++) {
        int n = kind.endsWith("FSYNC") ? 10 + t * 3 : 80 + t * 41;
        // Every third trial appends synchronously: its commits, and the error, are the caller's.
        boolean synchronous = t % 3 == 2;
        Path trial =
            Files.createDirectories(dir.resolve(kind + "-" + n + (synchronous ? "-sync" : "")));
        Map<String, String> environment = new HashMap<>(Map.of(kind, Integer.toString(n)));
        if (synchronous) {
          environment.put("ONELOG_TEST_SYNC_SENDS", "1");
        }
        WriteRecorder.Run run =
            WriteRecorder.shared().run(trial, Durability.FSYNC, RECORDS, environment);
        String failure = check(run);
        acknowledged += acks(run).size();
        if (failure == null) {
          passed++;
        } else {
          failures.add(kind + "=" + n + ": " + failure);
        }
      }
    }
    System.out.printf(
        "I/O errors: %d trials (%d failed fsyncs, %d failed WAL writes), %d acknowledged records"
            + " checked after reopening%n",
        2 * trials, trials, trials, acknowledged);
    System.out.printf("%d passed, %d failed%n", passed, 2 * trials - passed);
    assertEquals(List.of(), failures);
  }

  private static Map<String, long[]> acks(WriteRecorder.Run run) throws Exception {
    Map<String, long[]> acked = new HashMap<>();
    Path file = run.file().resolveSibling("acks");
    for (String line : Files.readString(file, StandardCharsets.US_ASCII).split("\n")) {
      String[] fields = line.split(" ");
      if (fields.length == 3) {
        acked.put(fields[0], new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
      }
    }
    return acked;
  }

  /** Returns what is wrong with a trial, or null. */
  private static String check(WriteRecorder.Run run) throws Exception {
    List<String> output = run.output();
    long ioErrors = output.stream().filter(l -> l.startsWith("IOERROR ")).count();
    long refused = output.stream().filter(l -> l.startsWith("REFUSED ")).count();
    List<String> accepted = output.stream().filter(l -> l.startsWith("ACCEPTED ")).toList();
    if (ioErrors != 1) {
      return "the injected error did not reach a caller as a LogIOException: " + output;
    }
    if (!accepted.isEmpty() || refused != 20) {
      return "after the error, "
          + accepted.size()
          + " appends were accepted, "
          + refused
          + " refused: "
          + output;
    }
    Map<String, long[]> acked = acks(run);
    Map<String, List<long[]>> kept;
    try (OneLog log = OneLog.open(run.file())) {
      kept = TopicContents.byValue(log, "k");
      String twice = TopicContents.firstDuplicate(kept);
      if (twice != null) {
        return twice + " is in the log twice";
      }
      VerifyReport report = log.verify();
      if (!report.ok()) {
        return "verify: " + report.problems();
      }
      // The log takes writes again once reopened.
      log.append(ProducerRecord.of("k", "reopened", "reopened"));
    }
    for (Map.Entry<String, long[]> ack : acked.entrySet()) {
      long[] at = kept.containsKey(ack.getKey()) ? kept.get(ack.getKey()).get(0) : null;
      if (at == null) {
        return "acknowledged " + ack.getKey() + " is lost";
      }
      if (at[0] != ack.getValue()[0] || at[1] != ack.getValue()[1]) {
        return ack.getKey() + " moved";
      }
    }
    assertTrue(kept.keySet().stream().noneMatch(v -> v.startsWith("after")), "refused but stored");
    return null;
  }
}
