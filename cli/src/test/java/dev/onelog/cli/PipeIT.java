package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real shell pipes into and out of the command, as in {@code seq 100000 | onelog produce t}. */
class PipeIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void pipeInThenPipeOut() {
    onelog.bash("seq 100000 | onelog produce t").ok();
    assertEquals(
        "100000",
        onelog
            .bash("onelog consume t --from-beginning --max 100000 | wc -l")
            .ok()
            .stdout()
            .strip());
    assertEquals(
        String.valueOf(100000L * 100001 / 2),
        onelog
            .bash(
                "onelog consume t --from-beginning | awk '{ s += $1 } END { printf \"%.0f\\n\", s }'")
            .ok()
            .stdout()
            .strip());
    assertEquals(
        "100000", onelog.bash("onelog consume t --from-beginning | tail -1").ok().stdout().strip());
  }

  @Test
  void closedStdoutEndsConsumeQuietlyWithStatusZero() {
    onelog.bash("seq 200000 | onelog produce t").ok();
    OneLogProcess.Result result =
        onelog
            .bash(
                "onelog consume t --from-beginning --format json 2>consume.err | head -1; echo \"status ${PIPESTATUS[0]}\"; cat consume.err")
            .ok();
    assertEquals(2, result.lines().size(), result.stdout());
    assertEquals("status 0", result.lines().get(1));
    assertEquals("", result.stderr());
  }

  @Test
  void consumeOutputFeedsProduce() {
    onelog.bash("seq 1000 | onelog produce a").ok();
    onelog.bash("onelog consume a --from-beginning | onelog produce b").ok();
    assertEquals(
        "1000", onelog.bash("onelog consume b --from-beginning | wc -l").ok().stdout().strip());
  }
}
