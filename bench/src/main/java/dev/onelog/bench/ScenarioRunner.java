package dev.onelog.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario in a child JVM with this JVM's class path, a fixed maximum heap and any JVM
 * options the scenario needs, and returns the figures it printed. The child's other output goes to
 * this process's standard error, so the benchmark's standard output stays the table and the JSON
 * line.
 */
public final class ScenarioRunner {
  private final Path baseDir;
  private final String maxHeap;
  private final List<String> jvmOptions;

  public ScenarioRunner(Path baseDir, String maxHeap) {
    this(baseDir, maxHeap, List.of());
  }

  /** Also passes {@code jvmOptions} to every scenario JVM, such as {@code --add-opens}. */
  public ScenarioRunner(Path baseDir, String maxHeap, List<String> jvmOptions) {
    this.baseDir = baseDir;
    this.maxHeap = maxHeap;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  public Map<String, Object> run(String scenario, BenchOptions options)
      throws IOException, InterruptedException {
    Path workDir = Files.createTempDirectory(baseDir, scenario + "-");
    try {
      List<String> command = javaCommand(maxHeap, ScenarioMain.class.getName());
      command.addAll(1, jvmOptions);
      command.add(scenario);
      command.add(workDir.toString());
      command.addAll(options.toArgs());
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Map<String, Object> result = null;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith(ScenarioMain.RESULT_PREFIX)) {
            result = Json.parse(line.substring(ScenarioMain.RESULT_PREFIX.length()));
          } else {
            System.err.println("  [" + scenario + "] " + line);
          }
        }
      }
      if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0 || result == null) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "scenario "
                + scenario
                + " failed (exit "
                + process.exitValue()
                + "); see its output above");
      }
      return result;
    } finally {
      deleteRecursively(workDir);
    }
  }

  /** {@code java -Xmx... -cp <this class path> mainClass}, for scenarios and their helpers. */
  public static List<String> javaCommand(String maxHeap, String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    return command;
  }

  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
