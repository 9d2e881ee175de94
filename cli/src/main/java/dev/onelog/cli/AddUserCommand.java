package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.kafka.KafkaUsers;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog users add NAME}: adds a user, or changes its password. The password never comes as
 * an argument, which {@code ps} would show: it is the first line of standard input ({@code
 * --password-stdin}, or whenever standard input is not a terminal), or typed twice at a prompt that
 * does not echo.
 */
@Command(
    name = "add",
    description =
        "Add a user, or change its password. The password is read from standard input (its first"
            + " line), or prompted for without echo on a terminal.")
final class AddUserCommand extends LogCommand {
  /** The longest password line read, so that a wrong pipe does not fill the memory. */
  static final int MAX_PASSWORD_BYTES = 4096;

  @Parameters(paramLabel = "NAME", description = "The user name clients authenticate as.")
  String name;

  @Option(
      names = "--password-stdin",
      description = "Read the password from the first line of standard input, even on a terminal.")
  boolean passwordStdin;

  @Override
  public Integer call() throws IOException {
    String password = password();
    boolean added;
    try (OneLog log = openLog()) {
      added = KafkaUsers.of(log).add(name, password);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    out().println((added ? "added user '" : "changed the password of user '") + name + "'");
    return 0;
  }

  private String password() throws IOException {
    Console console = System.console();
    if (console != null && !passwordStdin) {
      char[] first = console.readPassword("password for %s: ", name);
      char[] again = console.readPassword("the same password again: ");
      if (first == null || again == null || !Arrays.equals(first, again)) {
        throw new CliException("the two passwords differ (or input ended); nothing was changed");
      }
      return new String(first);
    }
    String line = firstLine(new FileInputStream(FileDescriptor.in));
    if (line.isEmpty()) {
      throw new CliException(
          "no password on standard input; give it as the first line, e.g."
              + " 'onelog users add "
              + name
              + " < password-file'");
    }
    return line;
  }

  /** The first line of {@code in}, without its line end. */
  private static String firstLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (line.size() == MAX_PASSWORD_BYTES) {
        throw new CliException(
            "the password line on standard input is longer than " + MAX_PASSWORD_BYTES + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
