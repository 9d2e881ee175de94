package dev.onelog.bench.onelog;

import dev.onelog.Consumer;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.Json;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import dev.onelog.bench.ScenarioMain;
import dev.onelog.bench.ScenarioRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Send-to-poll latency at a steady rate: one producer thread sends {@code latencyRatePerSec}
 * records a second for {@code latencySeconds} (the first 2 s are warm-up, not counted) while a
 * consumer polls them, on a thread of this JVM or, with {@code extra consumerProcess=true}, in
 * another JVM that opens the same file. The consumer records now minus each record's intended send
 * time. The producer also records, as {@code ack*Ms}, when each send's future completed (after the
 * commit) minus the same intended time: the part of send-to-poll that is the write path's, so that
 * the rest is the consumer's wake-up.
 */
final class LatencyScenario implements Scenario {
  static final int WARMUP_SECONDS = 2;

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    boolean otherProcess = Boolean.parseBoolean(options.extra("consumerProcess", "false"));
    long expected = (long) options.latencyRatePerSec() * options.latencySeconds();
    RecordData data = new RecordData(options.keyBytes(), Math.max(8, options.valueBytes()));
    long warmupRecords = options.latencyRatePerSec() * WARMUP_SECONDS;
    try (OneLog log = BenchLog.openWithTopic(options, workDir);
        WalWatcher wal = new WalWatcher(BenchLog.file(workDir))) {
      CompletableFuture<Map<String, Object>> consumed;
      Process child = null;
      if (otherProcess) {
        List<String> command =
            ScenarioRunner.javaCommand("256m", LatencyConsumerMain.class.getName());
        command.addAll(
            List.of(
                BenchLog.file(workDir).toString(),
                Long.toString(expected),
                Long.toString(warmupRecords)));
        child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        if (!"READY".equals(ready)) {
          throw new IllegalStateException("latency consumer process did not start: " + ready);
        }
        consumed = CompletableFuture.supplyAsync(() -> readResult(out));
      } else {
        Consumer consumer = log.consumer(BenchLog.TOPIC);
        consumer.seekToEnd();
        consumed =
            CompletableFuture.supplyAsync(
                () -> {
                  try (consumer) {
                    return consume(consumer, expected, warmupRecords);
                  }
                });
      }
      long start = System.nanoTime() + 100_000_000L;
      long intervalNanos = 1_000_000_000L / options.latencyRatePerSec();
      LatencyRecorder acks = new LatencyRecorder();
      for (long i = 0; i < expected; i++) {
        long intended = start + i * intervalNanos;
        LatencyRecorder.sleepUntil(intended);
        CompletableFuture<?> sent =
            log.send(
                ProducerRecord.of(
                    BenchLog.TOPIC, data.key(i), LatencyRecorder.stamp(data.value(i), intended)));
        if (i >= warmupRecords) {
          sent.thenRun(() -> acks.receivedAt(intended, System.nanoTime()));
        }
      }
      log.flush();
      Map<String, Object> figures = new HashMap<>(consumed.get(60, TimeUnit.SECONDS));
      Map<String, Object> acked = acks.figures();
      figures.put("ackP50Ms", acked.get("latencyP50Ms"));
      figures.put("ackP99Ms", acked.get("latencyP99Ms"));
      figures.put("peakWalMiB", wal.peakMiB());
      if (child != null && !child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
      return figures;
    }
  }

  /**
   * Polls until {@code expected} records came; records the latency of all but the first {@code
   * skip}.
   */
  static Map<String, Object> consume(Consumer consumer, long expected, long skip) {
    LatencyRecorder recorder = new LatencyRecorder();
    long received = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (received < expected && System.nanoTime() < deadline) {
      List<LogRecord> records = consumer.poll(Duration.ofMillis(100));
      long now = System.nanoTime();
      for (LogRecord record : records) {
        if (received++ >= skip) {
          recorder.received(record.value(), now);
        }
      }
    }
    return recorder.figures();
  }

  private static Map<String, Object> readResult(BufferedReader out) {
    try {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(ScenarioMain.RESULT_PREFIX)) {
          return Json.parse(line.substring(ScenarioMain.RESULT_PREFIX.length()));
        }
      }
      throw new IllegalStateException("latency consumer process ended without a result");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The consumer of the other-process variant: {@code <file> <expected> <warm-up records>}. */
  public static final class LatencyConsumerMain {
    private LatencyConsumerMain() {}

    public static void main(String[] args) {
      long expected = Long.parseLong(args[1]);
      long skip = Long.parseLong(args[2]);
      try (OneLog log = OneLog.open(Path.of(args[0]));
          Consumer consumer = log.consumer(BenchLog.TOPIC)) {
        consumer.seekToEnd();
        System.out.println("READY");
        System.out.flush();
        System.out.println(
            ScenarioMain.RESULT_PREFIX + Json.write(consume(consumer, expected, skip)));
      }
    }
  }
}
