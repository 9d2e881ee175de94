package dev.onelog.cli;

import dev.onelog.Header;
import dev.onelog.OneLog;
import dev.onelog.OneLogException;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicExistsException;
import dev.onelog.TopicSpec;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog produce TOPIC}: appends one record per line of standard input, or the one {@code
 * --value}. A line is a value (or a key and a value) as its bytes are, or with {@code --format
 * json} a whole record as {@code consume --format json} prints it (see {@link JsonRecordReader}).
 * Records are sent without waiting (the log's write queue applies back-pressure and commits in
 * large groups); the command keeps no future per record, only the first failure, and waits for
 * every commit with {@code flush()} at the end. On a failure it stops reading and exits with status
 * 1; the records before the failing one are stored.
 */
@Command(
    name = "produce",
    sortOptions = false,
    description = {
      "Append records to a topic: one per line of standard input, or the one --value.",
      "A missing topic is created with one partition. An empty line is a record with an empty value;"
          + " a \\r before the \\n is dropped.",
      "With --format json each line is a record as 'consume --format json' prints it, so"
          + " 'onelog consume A --from-beginning --format json | onelog produce B --format json'"
          + " copies topic A into B."
    })
final class ProduceCommand extends LogCommand {
  static final int INPUT_BUFFER_BYTES = 1 << 20;

  /** What a line of standard input is. */
  enum InputFormat {
    /** A value, or KEY SEP VALUE with --key-separator, as its bytes are. */
    LINE,
    /** A record's JSON object, as {@code consume --format json} prints it. */
    JSON
  }

  @Parameters(paramLabel = "TOPIC", description = "The topic to append to.")
  String topic;

  @Option(
      names = "--value",
      paramLabel = "V",
      description = "Append one record with this value instead of reading standard input.")
  String value;

  @Option(
      names = "--key",
      paramLabel = "K",
      description = "The key of every record (default: no key).")
  String key;

  @Option(
      names = "--key-separator",
      paramLabel = "SEP",
      description =
          "Each line is KEY SEP VALUE, split at the first SEP; a line without SEP is an error.")
  String keySeparator;

  @Option(
      names = "--null-value",
      paramLabel = "MARKER",
      description =
          "A value equal to MARKER (a line, the part after the key separator, or --value) is"
              + " stored as null: a tombstone. --null-value '' makes empty lines tombstones, as"
              + " kcat -Z does.")
  String nullValue;

  @Option(
      names = "--partition",
      paramLabel = "P",
      description = "Append to partition P (default: by key, as Kafka's partitioner).")
  Integer partition;

  @Option(
      names = "--header",
      paramLabel = "NAME=VALUE",
      description = "Add this header to every record (repeatable).")
  List<String> headerArguments = new ArrayList<>();

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "line",
      description =
          "line (the default): each line is a value, or KEY SEP VALUE with --key-separator, stored"
              + " as its bytes are; json: each line is a record's object as consume --format json"
              + " prints it, with key, value (null: a tombstone), headers and timestamp.")
  InputFormat format;

  @Option(
      names = "--keep-partition",
      description =
          "With --format json: append each record to the partition its line names, as Kafka's"
              + " MirrorMaker does (default: the line's partition is ignored and the record goes"
              + " where the partitioner puts it).")
  boolean keepPartition;

  /** Where the first failed record came from and why; set by whichever thread sees it first. */
  private record Failure(String source, Throwable error) {}

  private final AtomicReference<Failure> firstFailure = new AtomicReference<>();

  /** {@link #nullValue} as UTF-8, or null without it; set by {@link #call}. */
  private byte[] nullMarker;

  @Override
  public Integer call() {
    validate();
    List<Header> headers = headers();
    nullMarker = nullValue == null ? null : nullValue.getBytes(StandardCharsets.UTF_8);
    byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    try (OneLog log = openLog()) {
      createTopicIfMissing(log);
      if (value != null) {
        send(
            log,
            new ProducerRecord(
                topic,
                partition,
                null,
                keyBytes,
                valueOrNull(value.getBytes(StandardCharsets.UTF_8)),
                headers),
            "the record");
      } else {
        try {
          sendLines(log, keyBytes, headers);
        } catch (IOException e) {
          throw new CliException("cannot read standard input: " + e.getMessage(), e);
        }
      }
      log.flush();
    }
    Failure failure = firstFailure.get();
    if (failure != null) {
      throw new CliException(
          failure.source() + " was not stored: " + ErrorReporter.message(failure.error()),
          failure.error());
    }
    return 0;
  }

  private void sendLines(OneLog log, byte[] keyBytes, List<Header> headers) throws IOException {
    byte[] separator = keySeparator == null ? null : keySeparator.getBytes(StandardCharsets.UTF_8);
    JsonRecordReader json = null;
    if (format == InputFormat.JSON) {
      json = JsonRecordReader.forTopic(topic);
      json = keepPartition ? json.keepingPartitions() : json;
    }
    LineReader lines = new LineReader(new FileInputStream(FileDescriptor.in), INPUT_BUFFER_BYTES);
    while (firstFailure.get() == null && !stopRequested() && lines.next()) {
      ProducerRecord record =
          json == null
              ? lineRecord(lines, separator, keyBytes, headers)
              : jsonRecord(json, lines, headers);
      send(log, record, "line " + lines.lineNumber());
    }
  }

  private ProducerRecord lineRecord(
      LineReader lines, byte[] separator, byte[] keyBytes, List<Header> headers) {
    byte[] buffer = lines.buffer();
    int start = lines.start();
    int end = lines.end();
    byte[] lineKey = keyBytes;
    if (separator != null) {
      int at = indexOf(buffer, start, end, separator);
      if (at < 0) {
        throw new CliException(
            "line "
                + lines.lineNumber()
                + " has no key separator '"
                + keySeparator
                + "'; write KEY"
                + keySeparator
                + "VALUE on every line (the lines before it were stored)");
      }
      lineKey = Arrays.copyOfRange(buffer, start, at);
      start = at + separator.length;
    }
    byte[] lineValue = valueOrNull(Arrays.copyOfRange(buffer, start, end));
    return new ProducerRecord(topic, partition, null, lineKey, lineValue, headers);
  }

  /** Null when the value is the --null-value marker; the value otherwise. */
  private byte[] valueOrNull(byte[] value) {
    return nullMarker != null && Arrays.equals(value, nullMarker) ? null : value;
  }

  /** The line's record, sent to --partition when given, with the --header headers after its own. */
  private ProducerRecord jsonRecord(JsonRecordReader json, LineReader lines, List<Header> headers) {
    ProducerRecord record;
    try {
      record = json.read(lines.buffer(), lines.start(), lines.end(), lines.lineNumber());
    } catch (JsonRecordReader.BadRecordException e) {
      throw new CliException(e.getMessage() + " (the lines before it were stored)", e);
    }
    if (partition == null && headers.isEmpty()) {
      return record;
    }
    List<Header> allHeaders = new ArrayList<>(record.headers());
    allHeaders.addAll(headers);
    return new ProducerRecord(
        topic,
        partition == null ? record.partition() : partition,
        record.timestampMs(),
        record.key(),
        record.value(),
        allHeaders);
  }

  /** Sends without waiting; records the first failure, whether thrown now or by the commit. */
  private void send(OneLog log, ProducerRecord record, String source) {
    try {
      log.send(record)
          .whenComplete(
              (stored, error) -> {
                if (error != null) {
                  firstFailure.compareAndSet(null, new Failure(source, unwrap(error)));
                }
              });
    } catch (OneLogException e) {
      firstFailure.compareAndSet(null, new Failure(source, e));
    }
  }

  private void createTopicIfMissing(OneLog log) {
    if (log.topics().contains(topic)) {
      return;
    }
    try {
      log.createTopic(TopicSpec.named(topic));
      err().println("onelog: topic '" + topic + "' did not exist; created it with 1 partition");
    } catch (TopicExistsException e) {
      // Another process created it between our look and our create: use theirs.
    }
  }

  private void validate() {
    if (format == InputFormat.JSON) {
      String lineOption = lineOptionGivenWithJson();
      if (lineOption != null) {
        throw new ParameterException(spec.commandLine(), lineOption);
      }
    } else if (keepPartition) {
      throw new ParameterException(
          spec.commandLine(),
          "--keep-partition keeps the \"partition\" of each --format json line; add --format"
              + " json, or choose one partition for every record with --partition P");
    }
    if (keepPartition && partition != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--keep-partition and --partition both choose the partition; give one of them");
    }
    if (keySeparator != null && (key != null || value != null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--key-separator reads keys from the input lines; it cannot be combined with "
              + (key != null ? "--key" : "--value"));
    }
    if (keySeparator != null && keySeparator.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--key-separator must not be empty");
    }
    if (partition != null && partition < 0) {
      throw new ParameterException(
          spec.commandLine(), "--partition must be at least 0, was " + partition);
    }
  }

  /** Why an option of line input cannot go with --format json; null when none was given. */
  private String lineOptionGivenWithJson() {
    String keyField = "with --format json a record's key is its \"key\" field";
    if (key != null) {
      return "--key sets the key of line records; " + keyField;
    }
    if (keySeparator != null) {
      return "--key-separator splits line records; " + keyField;
    }
    if (value != null) {
      return "--value gives one line record; with --format json the records come from standard"
          + " input, one JSON object a line";
    }
    if (nullValue != null) {
      return "--null-value marks tombstones in line records; with --format json a tombstone is"
          + " \"value\":null";
    }
    return null;
  }

  private List<Header> headers() {
    List<Header> headers = new ArrayList<>();
    for (String argument : headerArguments) {
      int equals = argument.indexOf('=');
      if (equals <= 0) {
        throw new ParameterException(
            spec.commandLine(),
            "--header '"
                + argument
                + "' is not NAME=VALUE; write for example --header source=billing");
      }
      headers.add(Header.of(argument.substring(0, equals), argument.substring(equals + 1)));
    }
    return List.copyOf(headers);
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  /** The first index of {@code separator} in {@code bytes[from .. to)}, or -1. */
  static int indexOf(byte[] bytes, int from, int to, byte[] separator) {
    byte first = separator[0];
    outer:
    for (int i = from; i <= to - separator.length; i++) {
      if (bytes[i] != first) {
        continue;
      }
      for (int j = 1; j < separator.length; j++) {
        if (bytes[i + j] != separator[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
