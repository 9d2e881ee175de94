package dev.onelog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of a scenario's JVM: {@code ScenarioMain <scenario> <workDir> name=value...}.
 * Runs the scenario once and prints its figures, with the JVM's peak heap and RSS, as one line
 * {@code RESULT {...}} on standard output. Anything else it prints is commentary.
 */
public final class ScenarioMain {
  public static final String RESULT_PREFIX = "RESULT ";

  private ScenarioMain() {}

  public static void main(String[] args) throws Exception {
    Scenario scenario = Scenarios.named(args[0]);
    Path workDir = Path.of(args[1]);
    Files.createDirectories(workDir);
    BenchOptions options = BenchOptions.parse(Arrays.asList(args).subList(2, args.length));
    Map<String, Object> figures = new LinkedHashMap<>(scenario.run(options, workDir));
    figures.put("peakHeapMiB", ProcessMemory.peakHeapMiB());
    figures.put("peakRssMiB", ProcessMemory.peakRssMiB());
    System.out.println(RESULT_PREFIX + Json.write(figures));
    System.out.flush();
    System.exit(0); // scenarios may leave non-daemon client threads behind
  }
}
