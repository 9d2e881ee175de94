package dev.onelog.bench;

import java.nio.file.Path;

/** Runs the workload against a real Kafka broker; filled in when the broker harness lands. */
final class KafkaComparison {
  private KafkaComparison() {}

  static void run(Path workDir, BenchOptions options, Bench.Results results) {
    throw new UnsupportedOperationException("--with-kafka is not wired yet");
  }
}
