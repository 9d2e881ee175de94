package dev.onelog.bench.onelog;

import dev.onelog.OneLog;
import dev.onelog.bench.BenchOptions;
import dev.onelog.bench.CpuTime;
import dev.onelog.bench.RecordData;
import dev.onelog.bench.Scenario;
import dev.onelog.bench.groups.IdleMembers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code options.producers()} threads each {@code send} their share of the records without waiting;
 * the clock stops when {@code flush} returns, i.e. when the last record is durable. Also reports
 * the largest size the {@code -wal} file reached. Then (without idle members) the same number of
 * records again in the same JVM and log, reported as {@code warm...}: the first pass includes the
 * JIT's compiling and the writer's first touches of its heap and page cache, which a long-running
 * service pays once.
 *
 * <p>With {@code extra idleMembers=N}, N live consumer-group members that consume nothing ({@link
 * IdleMembers}) run all along, in this JVM or, with {@code extra idleMembersIn=other}, in another
 * one on the same file; {@code idleMembersCpuMs} is what they used during the appends. With {@code
 * extra quietSeconds=S}, before appending, the CPU this process (and the members) use in S seconds
 * without appends is measured, in percent of one core: what membership alone costs.
 */
final class AsyncAppendScenario implements Scenario {
  @Override
  public Map<String, Object> run(BenchOptions options, Path workDir) throws Exception {
    RecordData data = new RecordData(options.keyBytes(), options.valueBytes());
    int idleCount = Integer.parseInt(options.extra("idleMembers", "0"));
    boolean idleElsewhere =
        switch (options.extra("idleMembersIn", "this")) {
          case "this" -> false;
          case "other" -> true;
          default ->
              throw new IllegalArgumentException(
                  "idleMembersIn must be this or other, was '"
                      + options.extra("idleMembersIn", "")
                      + "'");
        };
    double quietSeconds = Double.parseDouble(options.extra("quietSeconds", "0"));
    try (OneLog log = BenchLog.openWithTopic(options, workDir);
        WalWatcher wal = new WalWatcher(BenchLog.file(workDir));
        IdleMembers idle = IdleMembers.start(log, idleCount, idleElsewhere)) {
      Map<String, Object> figures = new LinkedHashMap<>();
      if (quietSeconds > 0) {
        figures.putAll(quietCpu(idle, quietSeconds));
      }
      long records = options.records();
      long idleCpuBefore = idle.cpuNanos();
      figures.putAll(pass(log, data, options.producers(), 0, records, ""));
      long idleCpu = idle.cpuNanos() - idleCpuBefore;
      figures.put("fileMiB", log.fileSizeBytes() / (1024.0 * 1024.0));
      figures.put("peakWalMiB", wal.peakMiB());
      if (idleCount == 0) {
        // The same again in this JVM and log: JIT, heap and page cache warm.
        figures.putAll(pass(log, data, options.producers(), records, records, "warm"));
      }
      if (idleCount > 0) {
        figures.put("idleMembers", idleCount);
        figures.put("idleMembersCpuMs", idleCpu / 1e6);
      }
      return figures;
    }
  }

  /**
   * Sends records {@code first .. first + records - 1} from {@code producers} threads and flushes;
   * its rate and CPU per record, the names prefixed with {@code prefix} (then capitalised).
   */
  private static Map<String, Object> pass(
      OneLog log, RecordData data, int producers, long first, long records, String prefix)
      throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    long writerCpuBefore = CpuTime.threadsNanos("onelog-writer");
    long processCpuBefore = CpuTime.processNanos();
    long start = System.nanoTime();
    for (int t = 0; t < producers; t++) {
      long own = first + t;
      Thread thread =
          new Thread(
              () -> {
                for (long i = own; i < first + records; i += producers) {
                  log.send(BenchLog.record(data, i));
                }
              },
              "producer-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    log.flush();
    long nanos = System.nanoTime() - start;
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put(name(prefix, "recordsPerSec"), BenchLog.perSecond(records, nanos));
    figures.put(name(prefix, "seconds"), nanos / 1e9);
    figures.put(
        name(prefix, "writerCpuNsPerRecord"),
        (CpuTime.threadsNanos("onelog-writer") - writerCpuBefore) / (double) records);
    figures.put(
        name(prefix, "processCpuNsPerRecord"),
        (CpuTime.processNanos() - processCpuBefore) / (double) records);
    return figures;
  }

  private static String name(String prefix, String field) {
    return prefix.isEmpty()
        ? field
        : prefix + Character.toUpperCase(field.charAt(0)) + field.substring(1);
  }

  /**
   * CPU used in {@code seconds} without appends, in percent of one core: this process's, its writer
   * thread's, and the idle members' ({@link IdleMembers#cpuNanos}).
   */
  private static Map<String, Object> quietCpu(IdleMembers idle, double seconds) throws Exception {
    long idleBefore = idle.cpuNanos();
    long writerBefore = CpuTime.threadsNanos("onelog-writer");
    long processBefore = CpuTime.processNanos();
    long start = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    double nanos = System.nanoTime() - start;
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("quietProcessCpuPct", 100 * (CpuTime.processNanos() - processBefore) / nanos);
    figures.put(
        "quietWriterCpuPct", 100 * (CpuTime.threadsNanos("onelog-writer") - writerBefore) / nanos);
    figures.put("quietIdleMembersCpuPct", 100 * (idle.cpuNanos() - idleBefore) / nanos);
    return figures;
  }
}
