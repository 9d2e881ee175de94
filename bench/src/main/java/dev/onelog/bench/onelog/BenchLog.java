package dev.onelog.bench.onelog;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.RecordData;
import java.nio.file.Path;

/** Opening the benchmark's log and making its records, shared by the onelog scenarios. */
final class BenchLog {
  static final String TOPIC = "bench";

  private BenchLog() {}

  static Path file(Path workDir) {
    return workDir.resolve("bench.db");
  }

  static OneLog open(BenchOptions options, Path workDir) {
    return OneLog.builder(file(workDir))
        .durability(Durability.valueOf(options.durability()))
        .open();
  }

  static OneLog openWithTopic(BenchOptions options, Path workDir) {
    OneLog log = open(options, workDir);
    log.createTopic(TopicSpec.named(TOPIC).withPartitions(options.partitions()));
    return log;
  }

  static ProducerRecord record(RecordData data, long i) {
    return ProducerRecord.of(TOPIC, data.key(i), data.value(i));
  }

  static double perSecond(long count, long nanos) {
    return count / (nanos / 1e9);
  }
}
