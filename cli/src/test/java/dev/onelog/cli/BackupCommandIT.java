package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.Durability;
import dev.onelog.LogInvariants;
import dev.onelog.OneLog;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BackupCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  private static final Pattern RESULT =
      Pattern.compile(
          "backed up (\\S+) to (\\S+): (\\d+) bytes( \\(\\w+\\))?, (\\d+) pages, in \\d+\\.\\d\\d s"
              + " \\(\\d+ MB/s\\)");

  @Test
  void backupCopiesTheLogAndPrintsWhatItWroteAndNoProgressOutsideATerminal() throws Exception {
    onelog.runWithInput("a\nb\nc\n", "produce", "t").ok();
    Path copy = onelog.dir().resolve("copy.db");

    OneLogProcess.Result result = onelog.run("backup", copy.toString()).ok();

    var line = RESULT.matcher(result.stdout().strip());
    assertTrue(line.matches(), result.stdout());
    assertEquals(onelog.file().toString(), line.group(1));
    assertEquals(copy.toString(), line.group(2));
    assertEquals(Files.size(copy), Long.parseLong(line.group(3)));
    assertEquals(Files.size(copy), 16384 * Long.parseLong(line.group(5)));
    assertEquals("", result.stderr(), "no progress bar: standard error is not a terminal");
    assertEquals(
        "a\nb\nc\n",
        onelog.run("--file", copy.toString(), "consume", "t", "--from-beginning").ok().stdout());
    assertTrue(onelog.run("--file", copy.toString(), "verify").ok().stdout().contains("ok: every"));
    LogInvariants.check(copy);
    assertEquals(List.of("copy.db", "onelog.db"), dbFiles());
  }

  @Test
  void anExistingDestIsReplacedOnlyWithForce() throws Exception {
    onelog.runWithInput("a\n", "produce", "t").ok();
    Path copy = onelog.dir().resolve("copy.db");
    Files.writeString(copy, "an older backup"); // not a database: plain I/O is safe here

    String message = onelog.run("backup", copy.toString()).failsWith(1);

    assertEquals(
        "onelog: "
            + copy
            + " exists; onelog backup replaces a file only when told to: pass --force to"
            + " replace it, or choose another DEST",
        message);
    assertEquals("an older backup", Files.readString(copy));
    onelog.run("backup", copy.toString(), "--force").ok();
    assertEquals(
        "a\n",
        onelog.run("--file", copy.toString(), "consume", "t", "--from-beginning").ok().stdout());
  }

  @Test
  void theLogItselfAndAMissingDirectoryAreRefused() {
    onelog.runWithInput("a\n", "produce", "t").ok();

    String itself = onelog.run("backup", onelog.file().toString(), "--force").failsWith(1);
    String missing = onelog.run("backup", "no/such/dir/copy.db").failsWith(1);

    assertTrue(
        itself.startsWith("onelog: " + onelog.file() + " is the log's own file; a backup must go"),
        itself);
    assertEquals(
        "onelog: directory "
            + onelog.dir().resolve("no/such/dir")
            + " does not exist; create it first, or back up to a file in an existing directory",
        missing);
    assertEquals("a\n", onelog.run("consume", "t", "--from-beginning").ok().stdout());
  }

  @Test
  void theProgressBarGoesToStandardErrorAndEndsAtTheWholeFile() throws Exception {
    onelog.bash("seq 300000 | onelog produce t 2>/dev/null").ok();
    Path copy = onelog.dir().resolve("copy.db");

    OneLogProcess.Result result = onelog.run("backup", copy.toString(), "--progress").ok();

    long mib = Files.size(copy) >> 20;
    List<String> frames = List.of(result.stderr().split("\r"));
    assertEquals("", frames.get(0));
    assertTrue(
        frames.get(1).startsWith("  0% [                              ] 0 of " + mib + " MiB"),
        frames.get(1));
    assertEquals(
        "100% [##############################] " + mib + " of " + mib + " MiB\n",
        frames.get(frames.size() - 1));
    assertTrue(RESULT.matcher(result.stdout().strip()).matches(), result.stdout());
  }

  @Test
  void aFileThatMayNotBeWrittenIsBackedUp() throws Exception {
    onelog.runWithInput("a\nb\n", "produce", "t").ok();
    Files.setPosixFilePermissions(onelog.file(), PosixFilePermissions.fromString("r--r--r--"));
    Path copy = onelog.dir().resolve("copy.db");
    try {
      onelog.run("backup", copy.toString()).ok();
    } finally {
      Files.setPosixFilePermissions(onelog.file(), PosixFilePermissions.fromString("rw-r--r--"));
    }
    assertEquals(
        "a\nb\n",
        onelog.run("--file", copy.toString(), "consume", "t", "--from-beginning").ok().stdout());
  }

  @Test
  void aBackupWhileAnotherProcessProducesIsConsistent() throws Exception {
    onelog.run("topics", "create", "t").ok();
    Path copy = onelog.dir().resolve("copy.db");

    onelog
        .bash("seq 2000000 | onelog produce t & sleep 1; onelog backup '" + copy + "'; wait")
        .ok();

    String verify = onelog.run("--file", copy.toString(), "verify").ok().stdout();
    assertTrue(verify.contains("ok: every check passed"), verify);
    List<String> copied =
        onelog
            .run("--file", copy.toString(), "consume", "t", "--from-beginning")
            .ok()
            .stdout()
            .lines()
            .toList();
    for (int i = 0; i < copied.size(); i++) {
      if (!copied.get(i).equals(Integer.toString(i + 1))) {
        assertEquals(Integer.toString(i + 1), copied.get(i), "record at offset " + i);
      }
    }
    assertTrue(copied.size() <= 2_000_000, "a prefix of what was produced: " + copied.size());
    LogInvariants.check(copy);
  }

  @Test
  void aSignalDuringTheBackupLeavesNeitherDestNorTheTemporaryFile() throws Exception {
    try (OneLog log = OneLog.builder(onelog.file()).durability(Durability.NORMAL).open()) {
      log.createTopic(TopicSpec.named("t")); // about 300 MB: a copy that takes about a second
      for (int i = 0; i < 75_000; i++) {
        log.send(ProducerRecord.of("t", new byte[4000]));
      }
      log.flush();
    }
    Path copy = onelog.dir().resolve("copy.db");
    Path err = onelog.dir().resolve("backup.err");
    Process backup =
        new ProcessBuilder(onelog.command("backup", copy.toString(), "--progress"))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile())
            .start();
    while (!Files.readString(err).contains("%")) { // the bar's first frame: the copy has begun
      assertTrue(backup.isAlive(), "the backup ended before it drew its progress bar");
      Thread.sleep(1);
    }
    backup.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the command stops the copy and cleans up
    assertTrue(backup.waitFor(60, TimeUnit.SECONDS));

    assertEquals(143, backup.exitValue(), "ended by the signal, not finished");
    assertEquals(List.of(), dbFiles().stream().filter(name -> name.startsWith("copy.db")).toList());
  }

  /** The database files in the test's directory, without the runs' output files. */
  private List<String> dbFiles() throws Exception {
    try (Stream<Path> files = Files.list(onelog.dir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith("run-"))
          .sorted()
          .toList();
    }
  }
}
