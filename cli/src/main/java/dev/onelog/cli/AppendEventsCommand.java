package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.OneLogException;
import dev.onelog.eventstore.AppendConflictException;
import dev.onelog.eventstore.AppendResult;
import dev.onelog.eventstore.EventData;
import dev.onelog.eventstore.ExpectedVersion;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog events append STREAM --type TYPE}: appends one event per line of standard input,
 * all of them in one append (every event or none), if the stream is at {@code --expected-version}.
 * Prints the stream's new version, alone on a line, so that a script can pass it to the next
 * append. Reads all of standard input before it appends anything: a bad line (in {@code --format
 * json}) leaves the file unchanged, as a version conflict does.
 *
 * <p>Exit status: 0 appended; {@link #CONFLICT} the stream was not at the expected version (nothing
 * appended; the message names the expected and the actual version); 1 another error; 2 a usage
 * error.
 */
@Command(
    name = "append",
    sortOptions = false,
    description = {
      "Append events to a stream: one per line of standard input, all or none, if the stream is at"
          + " the expected version. Prints the stream's new version.",
      "Exit status 3: the stream was not at the expected version; nothing was appended."
    })
final class AppendEventsCommand extends EventStoreCommand {
  /** The exit status of a version conflict, so that a script can tell it from a failure. */
  static final int CONFLICT = 3;

  /** What a line of standard input is. */
  enum InputFormat {
    /** The event's data, as its bytes are. */
    LINE,
    /** An event's JSON object, as {@code events read --format json} prints it. */
    JSON
  }

  @Parameters(paramLabel = "STREAM", description = "The stream to append to.")
  String stream;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description =
          "The type of every event (1 to 200 characters), e.g. Deposited; with --format json, of"
              + " the lines without a \"type\".")
  String type;

  @Option(
      names = "--expected-version",
      paramLabel = "V",
      defaultValue = "any",
      converter = ExpectedVersionConverter.class,
      description =
          "N (the stream's last event is version N), no-stream, exists, or any (no check; the"
              + " default).")
  ExpectedVersion expected;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "line",
      description =
          "line (the default): each line is an event's data, as its bytes are; json: each line is"
              + " an event's object as 'events read --format json' prints it (type, data, metadata,"
              + " tags; new ids).")
  InputFormat format;

  @Override
  public Integer call() {
    validate();
    List<EventData> events;
    try {
      events = readEvents(new FileInputStream(FileDescriptor.in));
    } catch (IOException e) {
      throw new CliException("cannot read standard input: " + e.getMessage(), e);
    }
    if (stopRequested()) {
      return ErrorReporter.ERROR;
    }
    if (events.isEmpty()) {
      throw new CliException(
          "no events on standard input; write one event a line, e.g."
              + " echo '{\"amount\":5}' | onelog events append "
              + stream
              + " --type Deposited");
    }
    AppendResult result;
    try (OneLog log = openLog()) {
      result = log.eventStore().append(stream, expected, events);
    } catch (AppendConflictException e) {
      err().println("onelog: " + e.getMessage());
      err().flush();
      return CONFLICT;
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage() + "; nothing was appended", e);
    } catch (OneLogException e) {
      throw new CliException(e.getMessage() + " (nothing was appended)", e);
    }
    out().println(result.version());
    return 0;
  }

  private void validate() {
    if (format == InputFormat.LINE && type == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--type is required: every event has a type, e.g. --type Deposited (with --format json"
              + " each line may give its own)");
    }
    if (type != null && type.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--type must not be empty or blank; write e.g. --type Deposited");
    }
    if (type != null && type.length() > EventData.MAX_NAME_LENGTH) {
      throw new ParameterException(
          spec.commandLine(),
          "--type is "
              + type.length()
              + " characters long; the limit is "
              + EventData.MAX_NAME_LENGTH);
    }
    if (stream.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "STREAM must not be empty or blank; write e.g. account-42");
    }
  }

  private List<EventData> readEvents(InputStream in) throws IOException {
    JsonEventReader json = format == InputFormat.JSON ? new JsonEventReader(type) : null;
    LineReader lines = new LineReader(in, ProduceCommand.INPUT_BUFFER_BYTES);
    List<EventData> events = new ArrayList<>();
    while (!stopRequested() && lines.next()) {
      if (json != null) {
        events.add(json.read(lines.buffer(), lines.start(), lines.end(), lines.lineNumber()));
      } else {
        byte[] data = Arrays.copyOfRange(lines.buffer(), lines.start(), lines.end());
        events.add(EventData.of(type, data));
      }
    }
    return events;
  }
}
