package dev.onelog.bench.groups;

import dev.onelog.Durability;
import dev.onelog.OneLog;
import dev.onelog.bench.CpuTime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link IdleMembers} in a JVM of its own: {@code <file> <count>}. Opens the file, starts the
 * members polling, and says {@code READY} once each holds its partition; then answers the lines on
 * standard input: {@code CPU} with {@code CPU <process CPU nanoseconds>}, {@code STOP} (or the end
 * of input) by closing the members and the log and saying {@code STOPPED}.
 */
public final class IdleMembersMain {
  private IdleMembersMain() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    try (OneLog log = OneLog.builder(file).durability(Durability.FSYNC).open();
        MemberThreads members =
            MemberThreads.open(
                log,
                IdleMembers.GROUP,
                IdleMembers.TOPIC,
                count,
                IdleMembers.THREAD_PREFIX,
                b -> b)) {
      members.awaitOnePartitionEach(Duration.ofSeconds(60));
      members.startPolling();
      say("READY");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("STOP"); ) {
        if (line.equals("CPU")) {
          say("CPU " + CpuTime.processNanos());
        }
      }
    }
    say("STOPPED");
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
