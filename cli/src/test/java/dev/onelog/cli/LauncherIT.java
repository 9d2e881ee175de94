package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code onelog} launcher script, run from a copy of the repository's layout with the real jar,
 * so a test never starts a real Maven build; a fake {@code mvn} on the PATH records how it was
 * called.
 */
class LauncherIT {
  static final Path LAUNCHER =
      Path.of(System.getProperty("onelog.launcher", "../onelog")).toAbsolutePath();

  @TempDir Path repo;
  @TempDir Path elsewhere;
  Path jar;
  Path bin;

  @BeforeEach
  void copyRepositoryLayout() throws Exception {
    Files.copy(LAUNCHER, repo.resolve("onelog"));
    FileTime old = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
    for (String file :
        List.of(
            "pom.xml",
            "core/pom.xml",
            "cli/pom.xml",
            "core/src/main/A.java",
            "cli/src/main/B.java")) {
      Path path = repo.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, "");
      Files.setLastModifiedTime(path, old);
    }
    jar = repo.resolve("cli/target/onelog.jar");
    Files.createDirectories(jar.getParent());
    Files.copy(OneLogProcess.JAR, jar);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
    bin = Files.createDirectories(elsewhere.resolve("bin"));
    Path mvn = bin.resolve("mvn");
    Files.writeString(
        mvn,
        "#!/bin/sh\necho \"$@\" > \""
            + elsewhere.resolve("mvn-args")
            + "\"\n"
            + "echo maven output\ntouch cli/target/onelog.jar\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void runsFromAnyDirectoryAndThroughASymlinkPassingArgumentsExactly() throws Exception {
    Path link = Files.createSymbolicLink(elsewhere.resolve("onelog-link"), repo.resolve("onelog"));
    String value = "two  spaces \"quoted\" 'single' $HOME * \\ end";
    Path file = elsewhere.resolve("log.db");
    assertEquals(
        0, run(link, "--file", file.toString(), "produce", "t", "--value", value).exitCode());
    String json =
        run(
                repo.resolve("onelog"),
                "--file",
                file.toString(),
                "consume",
                "t",
                "--from-beginning",
                "--format",
                "json")
            .stdout();
    assertEquals(value, new ObjectMapper().readTree(json).get("value").asText());
    assertFalse(Files.exists(elsewhere.resolve("mvn-args")), "the jar was up to date: no build");
  }

  @Test
  void rebuildsWhenASourceIsNewerWithBuildOutputOnStderr() throws Exception {
    Files.setLastModifiedTime(
        repo.resolve("cli/src/main/B.java"), FileTime.from(Instant.now().plusSeconds(5)));
    OneLogProcess.Result result = run(repo.resolve("onelog"), "--version");
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stdout().startsWith("onelog "), result.stdout());
    assertTrue(result.stderr().contains("maven output"), result.stderr());
    assertEquals(
        "-q -B -DskipTests -pl cli -am package",
        Files.readString(elsewhere.resolve("mvn-args")).strip());
  }

  @Test
  void rebuildsWhenAPomIsNewer() throws Exception {
    Files.setLastModifiedTime(
        repo.resolve("core/pom.xml"), FileTime.from(Instant.now().plusSeconds(5)));
    assertEquals(0, run(repo.resolve("onelog"), "--version").exitCode());
    assertTrue(Files.exists(elsewhere.resolve("mvn-args")));
  }

  @Test
  void buildsWhenTheJarIsMissing() throws Exception {
    Files.delete(jar);
    Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho build failed; exit 1\n");
    OneLogProcess.Result result = run(repo.resolve("onelog"), "--version");
    assertEquals(1, result.exitCode());
    assertTrue(
        result.stderr().contains("build failed")
            && result.stderr().contains("onelog: the build failed"),
        result.stderr());
    assertEquals("", result.stdout());
  }

  private OneLogProcess.Result run(Path launcher, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile());
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Path out = elsewhere.resolve("out");
    Path err = elsewhere.resolve("err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "launcher finished");
    return new OneLogProcess.Result(
        process.exitValue(),
        Files.readAllBytes(out),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
