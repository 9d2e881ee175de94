package dev.onelog;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The consumer of {@link WakeUpIT}, run in its own JVM: opens the log, starts a consumer of every
 * partition of TOPIC from the beginning, prints READY, then prints "GOT &lt;value&gt;" for each
 * record as its poll returns it, flushed at once, until it receives the value "end".
 *
 * <pre>
 * ChildWakeConsumer FILE TOPIC
 * </pre>
 *
 * Exit status 0 after "end", 1 on any failure (described on stderr).
 */
public final class ChildWakeConsumer {
  private ChildWakeConsumer() {}

  public static void main(String[] args) {
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 12),
            false,
            StandardCharsets.US_ASCII);
    try (OneLog log = OneLog.open(Path.of(args[0]));
        Consumer consumer = log.consumer(args[1])) {
      out.println("READY");
      out.flush();
      boolean ended = false;
      while (!ended) {
        for (LogRecord record : consumer.poll(Duration.ofSeconds(30))) {
          String value = new String(record.value(), StandardCharsets.UTF_8);
          out.println("GOT " + value);
          out.flush();
          ended |= value.equals("end");
        }
      }
    } catch (RuntimeException e) {
      out.flush();
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
