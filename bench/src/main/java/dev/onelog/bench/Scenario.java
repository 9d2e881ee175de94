package dev.onelog.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * One measurement. Each run happens in a fresh JVM of its own ({@link ScenarioMain}), so that one
 * scenario's garbage, JIT state or threads never colour another's figures, and so that peak heap
 * and RSS belong to that scenario alone.
 */
public interface Scenario {
  /**
   * Runs once in {@code workDir} (an empty directory that is deleted afterwards) and returns its
   * figures: {@code recordsPerSec}, {@code p50Ms}, ... Numbers or strings only.
   */
  Map<String, Object> run(BenchOptions options, Path workDir) throws Exception;
}
