package dev.onelog.bench.eventstore;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Stream ids {@code s-0 .. s-(n-1)} drawn with a Zipf distribution: stream {@code k} (0-based) is
 * chosen with probability proportional to {@code 1 / (k + 1)^exponent}, so a few streams are hot
 * and most are cold, as aggregates of a real application are. Immutable; the caller brings the
 * random source (one per thread, seeded, so runs draw the same sequence).
 */
final class ZipfStreams {
  /** The exponent of YCSB's Zipfian generator. */
  static final double EXPONENT = 0.99;

  private final double[] cumulative;

  ZipfStreams(int streams) {
    if (streams < 1) {
      throw new IllegalArgumentException("streams < 1: " + streams);
    }
    cumulative = new double[streams];
    double sum = 0;
    for (int k = 0; k < streams; k++) {
      sum += 1 / Math.pow(k + 1, EXPONENT);
      cumulative[k] = sum;
    }
    for (int k = 0; k < streams; k++) {
      cumulative[k] /= sum;
    }
  }

  int count() {
    return cumulative.length;
  }

  /** A stream number, 0 the hottest. */
  int draw(SplittableRandom random) {
    int at = Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(cumulative.length - 1, at >= 0 ? at : -at - 1);
  }

  static String id(int stream) {
    return "s-" + stream;
  }
}
