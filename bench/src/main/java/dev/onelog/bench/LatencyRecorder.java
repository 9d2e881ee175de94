package dev.onelog.bench;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Send-to-poll latency. The producer paces records on a fixed schedule and writes each record's
 * intended send time ({@link System#nanoTime()}, which on Linux is CLOCK_MONOTONIC and so
 * comparable between processes on one machine) into the first 8 bytes of its value; the consumer
 * records now minus that time when poll returns the record. Using the intended time, not the actual
 * one, keeps a stalled producer from hiding latency (coordinated omission).
 */
public final class LatencyRecorder {
  private final Histogram histogram = new Histogram(60_000_000_000L, 3);

  /** Writes the intended send time into a value of at least 8 bytes. */
  public static byte[] stamp(byte[] template, long intendedNanos) {
    byte[] value = template.clone();
    ByteBuffer.wrap(value).putLong(0, intendedNanos);
    return value;
  }

  public void received(byte[] value, long nowNanos) {
    long sent = ByteBuffer.wrap(value).getLong(0);
    histogram.recordValue(Math.max(0, nowNanos - sent));
  }

  /** Records now minus {@code intendedNanos}: for a latency measured without a record's value. */
  public synchronized void receivedAt(long intendedNanos, long nowNanos) {
    histogram.recordValue(Math.max(0, nowNanos - intendedNanos));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** Parks until {@code deadlineNanos}; a paced producer's wait between records. */
  public static void sleepUntil(long deadlineNanos) {
    long remaining;
    while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(remaining);
    }
  }

  public synchronized Map<String, Object> figures() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("latencyCount", histogram.getTotalCount());
    figures.put("latencyP50Ms", histogram.getValueAtPercentile(50) / 1e6);
    figures.put("latencyP99Ms", histogram.getValueAtPercentile(99) / 1e6);
    figures.put("latencyP999Ms", histogram.getValueAtPercentile(99.9) / 1e6);
    figures.put("latencyMaxMs", histogram.getMaxValue() / 1e6);
    return figures;
  }
}
