package dev.onelog.bench.eventstore;

import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.Scenario;
import dev.onelog.eventstore.EventStore;
import dev.onelog.eventstore.RecordedEvent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * {@code extra streams} streams (default 10,000) of {@code extra events} events each (default 100),
 * appended 100 at a time and interleaved, so a stream's events are spread over the topic as they
 * would be after a day of traffic; then one thread reads whole streams, chosen Zipf-wise ({@code
 * readStream(id, 0, events)}), for {@code extra seconds} (default 5) after a one-second warm-up,
 * and each read is timed. Each read is checked to return the whole stream.
 */
final class StreamReadScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    int streamCount = Integer.parseInt(options.extra("streams", "10000"));
    int eventsPerStream = Integer.parseInt(options.extra("events", "100"));
    double seconds = Double.parseDouble(options.extra("seconds", "5"));
    ZipfStreams streams = new ZipfStreams(streamCount);
    SplittableRandom random = new SplittableRandom(42);
    try (OneLog log = EventStoreBench.open(options, workDir)) {
      EventStore store = log.eventStore();
      EventStoreBench.fill(
          store,
          streamCount,
          eventsPerStream,
          Math.min(10, eventsPerStream),
          EventStoreBench.data(options, random));
      Histogram histogram = new Histogram(60_000_000_000L, 3);
      long warmupEnd = System.nanoTime() + 1_000_000_000L;
      long end = warmupEnd + (long) (seconds * 1e9);
      long now;
      while ((now = System.nanoTime()) < end) {
        String id = ZipfStreams.id(streams.draw(random));
        List<RecordedEvent> events = store.readStream(id, 0, eventsPerStream);
        long took = System.nanoTime() - now;
        if (events.size() != eventsPerStream) {
          throw new IllegalStateException(
              "stream " + id + " read " + events.size() + " events, not " + eventsPerStream);
        }
        if (now >= warmupEnd) {
          histogram.recordValue(took);
        }
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("readsPerSec", histogram.getTotalCount() / seconds);
      figures.put("readP50Us", histogram.getValueAtPercentile(50) / 1e3);
      figures.put("readP99Us", histogram.getValueAtPercentile(99) / 1e3);
      figures.put("readP999Us", histogram.getValueAtPercentile(99.9) / 1e3);
      figures.put("readMaxUs", histogram.getMaxValue() / 1e3);
      return figures;
    }
  }
}
