package dev.onelog.bench.eventstore;

import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.Scenario;
import dev.onelog.eventstore.AppendConflictException;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.ExpectedVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code extra threads} callers (default 16) each append {@code extra batch} events (default 100)
 * at a time to a stream chosen Zipf-wise from {@code extra streams} (default 10,000), waiting for
 * each append's commit, for {@code extra seconds} (default 5) after a one-second warm-up. Every
 * append expects the stream's exact version as the callers last saw it (a version array shared by
 * the callers, as a cache of aggregates would be): a caller that loses a race on a hot stream gets
 * {@link AppendConflictException}, takes the actual version from it and appends again, and the
 * conflicts are counted. Events/s counts only events stored in the measured window.
 */
final class ConditionalAppendScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    int threads = Integer.parseInt(options.extra("threads", "16"));
    int batch = Integer.parseInt(options.extra("batch", "100"));
    int streamCount = Integer.parseInt(options.extra("streams", "10000"));
    double seconds = Double.parseDouble(options.extra("seconds", "5"));
    ZipfStreams streams = new ZipfStreams(streamCount);
    AtomicLongArray versions = new AtomicLongArray(streamCount);
    for (int s = 0; s < streamCount; s++) {
      versions.set(s, -1);
    }
    try (OneLog log = EventStoreBench.open(options, workDir)) {
      EventStore store = log.eventStore();
      long warmupEnd = System.nanoTime() + 1_000_000_000L;
      long end = warmupEnd + (long) (seconds * 1e9);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
      List<Future<long[]>> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        SplittableRandom random = new SplittableRandom(42 + t);
        callers.add(
            pool.submit(
                () -> {
                  byte[] data = EventStoreBench.data(options, random);
                  long stored = 0;
                  long conflicts = 0;
                  long now;
                  while ((now = System.nanoTime()) < end) {
                    int s = streams.draw(random);
                    List<EventData> events = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                      events.add(EventStoreBench.event(data));
                    }
                    long version = versions.get(s);
                    ExpectedVersion expected =
                        version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version);
                    try {
                      long after = store.append(ZipfStreams.id(s), expected, events).version();
                      versions.accumulateAndGet(s, after, Math::max);
                      if (now >= warmupEnd) {
                        stored += batch;
                      }
                    } catch (AppendConflictException raced) {
                      versions.accumulateAndGet(s, raced.actualVersion(), Math::max);
                      if (now >= warmupEnd) {
                        conflicts++;
                      }
                    }
                  }
                  return new long[] {stored, conflicts};
                }));
      }
      long stored = 0;
      long conflicts = 0;
      for (Future<long[]> caller : callers) {
        long[] counts = caller.get();
        stored += counts[0];
        conflicts += counts[1];
      }
      pool.shutdown();
      double writerCpuNs = CpuTime.threadsNanos("onelog-writer") - writerCpuBefore;
      long total = store.endPosition();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("eventsPerSec", stored / seconds);
      figures.put("appendsPerSec", stored / (double) batch / seconds);
      figures.put("conflictsPerSec", conflicts / seconds);
      figures.put("writerCpuNsPerEvent", writerCpuNs / total);
      figures.put("threads", threads);
      figures.put("batch", batch);
      figures.put("fileMiB", log.fileSizeBytes() / (1024.0 * 1024.0));
      return figures;
    }
  }
}
