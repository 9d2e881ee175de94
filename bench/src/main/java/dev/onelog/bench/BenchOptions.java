package dev.onelog.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workload every scenario runs, passed from the benchmark to each scenario's JVM as {@code
 * name=value} arguments. {@code durability} is {@code FSYNC} or {@code NORMAL}; {@code producers}
 * is the number of sending threads (or concurrent callers for sync appends); {@code extra} carries
 * scenario-specific settings such as {@code bootstrap} for Kafka.
 */
public record BenchOptions(
    long records,
    int keyBytes,
    int valueBytes,
    int partitions,
    int producers,
    String durability,
    int latencyRatePerSec,
    int latencySeconds,
    Map<String, String> extra) {

  public static BenchOptions defaults() {
    return new BenchOptions(2_000_000, 16, 100, 1, 4, "FSYNC", 10_000, 20, Map.of());
  }

  public BenchOptions withProducers(int count) {
    return new BenchOptions(
        records,
        keyBytes,
        valueBytes,
        partitions,
        count,
        durability,
        latencyRatePerSec,
        latencySeconds,
        extra);
  }

  public BenchOptions withDurability(String mode) {
    return new BenchOptions(
        records,
        keyBytes,
        valueBytes,
        partitions,
        producers,
        mode,
        latencyRatePerSec,
        latencySeconds,
        extra);
  }

  public BenchOptions with(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(extra);
    more.put(key, value);
    return new BenchOptions(
        records,
        keyBytes,
        valueBytes,
        partitions,
        producers,
        durability,
        latencyRatePerSec,
        latencySeconds,
        Map.copyOf(more));
  }

  public String extra(String key, String fallback) {
    return extra.getOrDefault(key, fallback);
  }

  public boolean fsync() {
    return durability.equals("FSYNC");
  }

  List<String> toArgs() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "records=" + records,
                "keyBytes=" + keyBytes,
                "valueBytes=" + valueBytes,
                "partitions=" + partitions,
                "producers=" + producers,
                "durability=" + durability,
                "latencyRatePerSec=" + latencyRatePerSec,
                "latencySeconds=" + latencySeconds));
    extra.forEach((k, v) -> args.add("x." + k + "=" + v));
    return args;
  }

  static BenchOptions parse(List<String> args) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> extra = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected name=value, got '" + arg + "'");
      }
      String name = arg.substring(0, eq);
      if (name.startsWith("x.")) {
        extra.put(name.substring(2), arg.substring(eq + 1));
      } else {
        values.put(name, arg.substring(eq + 1));
      }
    }
    BenchOptions d = defaults();
    return new BenchOptions(
        Long.parseLong(values.getOrDefault("records", "" + d.records)),
        Integer.parseInt(values.getOrDefault("keyBytes", "" + d.keyBytes)),
        Integer.parseInt(values.getOrDefault("valueBytes", "" + d.valueBytes)),
        Integer.parseInt(values.getOrDefault("partitions", "" + d.partitions)),
        Integer.parseInt(values.getOrDefault("producers", "" + d.producers)),
        values.getOrDefault("durability", d.durability),
        Integer.parseInt(values.getOrDefault("latencyRatePerSec", "" + d.latencyRatePerSec)),
        Integer.parseInt(values.getOrDefault("latencySeconds", "" + d.latencySeconds)),
        Map.copyOf(extra));
  }
}
