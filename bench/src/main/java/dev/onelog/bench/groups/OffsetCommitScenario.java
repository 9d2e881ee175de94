package dev.onelog.bench.groups;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.TopicSpec;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.LatencyRecorder;
import dev.onelog.bench.Scenario;
import dev.onelog.group.OffsetAndMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Offset commits per second: {@code options.producers()} members of one group in this process, on a
 * topic of as many partitions, each member on its own thread holding one partition and calling
 * {@code commitSync(Map.of(itsPartition, offset))} in a loop, with the next offset each time (the
 * topic stays empty: a commit is checked against the member's lease, not against the records), for
 * {@code extra seconds} (default 5) after a one-second warm-up. Every commit is a write step of the
 * log's group commit, as an append is, so this is the sync scenario's workload with a commit in
 * place of the append; {@code onelog-sync} with as many callers is its comparison. Reports the
 * commit rate, each commit's wall time (p50, p99, max) and the CPU per commit of the writer thread
 * and the whole process. Checks at the end that the file holds each member's last offset.
 */
final class OffsetCommitScenario implements Scenario {
  static final String GROUP = "committers";
  static final String TOPIC = "commits";

  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    int count = options.producers();
    double seconds = Double.parseDouble(options.extra("seconds", "5"));
    try (OneLog log =
        OneLog.builder(workDir.resolve("bench.db"))
            .durability(Durability.valueOf(options.durability()))
            .open()) {
      log.createTopic(TopicSpec.named(TOPIC).withPartitions(count));
      try (MemberThreads members =
          MemberThreads.open(log, GROUP, TOPIC, count, "member", b -> b.noAutoCommit())) {
        List<TopicPartition> partitions = members.awaitOnePartitionEach(Duration.ofSeconds(60));
        long warmupEnd = System.nanoTime() + 1_000_000_000L;
        long end = warmupEnd + (long) (seconds * 1e9);
        long[] cpuAtWarmupEnd = new long[2];
        Thread sampler =
            new Thread(
                () -> {
                  LatencyRecorder.sleepUntil(warmupEnd);
                  cpuAtWarmupEnd[0] = CpuTime.threadsNanos("onelog-writer");
                  cpuAtWarmupEnd[1] = CpuTime.processNanos();
                },
                "cpu-sampler");
        sampler.start();
        List<Loop> loops =
            members.onEach(
                (member, i) -> {
                  TopicPartition partition = partitions.get(i);
                  Loop loop = new Loop();
                  long offset = 0;
                  long now;
                  while ((now = System.nanoTime()) < end) {
                    member.commitSync(Map.of(partition, OffsetAndMetadata.of(++offset)));
                    if (now >= warmupEnd) {
                      loop.latencies.recordValue(System.nanoTime() - now);
                    }
                  }
                  loop.lastOffset = offset;
                  return loop;
                });
        sampler.join();
        long writerCpu = CpuTime.threadsNanos("onelog-writer") - cpuAtWarmupEnd[0];
        long processCpu = CpuTime.processNanos() - cpuAtWarmupEnd[1];
        Histogram all = new Histogram(60_000_000_000L, 3);
        for (Loop loop : loops) {
          all.add(loop.latencies);
        }
        checkCommitted(log, partitions, loops);
        long commits = all.getTotalCount();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("commitsPerSec", commits / seconds);
        figures.put("members", count);
        figures.put("commitP50Ms", all.getValueAtPercentile(50) / 1e6);
        figures.put("commitP99Ms", all.getValueAtPercentile(99) / 1e6);
        figures.put("commitMaxMs", all.getMaxValue() / 1e6);
        figures.put("writerCpuUsPerCommit", writerCpu / 1e3 / commits);
        figures.put("processCpuUsPerCommit", processCpu / 1e3 / commits);
        return figures;
      }
    }
  }

  /** Each member's commits, counted after the warm-up, and the last offset it committed. */
  private static final class Loop {
    final Histogram latencies = new Histogram(60_000_000_000L, 3);
    long lastOffset;
  }

  private static void checkCommitted(
      OneLog log, List<TopicPartition> partitions, List<Loop> loops) {
    Map<TopicPartition, OffsetAndMetadata> committed = log.groups().committed(GROUP);
    for (int i = 0; i < partitions.size(); i++) {
      OffsetAndMetadata stored = committed.get(partitions.get(i));
      if (stored == null || stored.offset() != loops.get(i).lastOffset) {
        throw new IllegalStateException(
            "member "
                + i
                + " committed offset "
                + loops.get(i).lastOffset
                + " of "
                + partitions.get(i)
                + " last, but the file holds "
                + stored);
      }
    }
  }
}
