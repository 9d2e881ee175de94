package dev.onelog.cli;

import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog get TOPIC KEY}: prints the newest record of a key in a compacted topic, in {@code
 * consume}'s formats. Its exit status follows grep's, so that scripts can tell "no such key" from a
 * failure: 0 when it printed the record, 1 when the key has none (never written, or its newest
 * record is a tombstone), 2 for an error or a usage error.
 */
@Command(
    name = "get",
    sortOptions = false,
    exitCodeOnExecutionException = GetCommand.ERROR,
    footer = {
      "",
      "Exit status: 0 the record was printed; 1 the key has no record, or its newest is a"
          + " tombstone; 2 an error or a usage error."
    },
    description =
        "Print the newest record of KEY in a compacted topic (cleanup policy compact or"
            + " compact,delete). Exit status 0 when printed; 1 when the key has no record, or its"
            + " newest is a tombstone; 2 for an error.")
final class GetCommand extends LogCommand {
  /** No record for the key: nothing on standard output, as grep without a match. */
  static final int NOT_FOUND = 1;

  /** Any error, usage errors included: 2, as grep, so that it differs from {@link #NOT_FOUND}. */
  static final int ERROR = 2;

  @Parameters(index = "0", paramLabel = "TOPIC", description = "A compacted topic.")
  String topic;

  @Parameters(
      index = "1",
      paramLabel = "KEY",
      description = "The key, as UTF-8; with --key-base64, its bytes in base64.")
  String key;

  @Option(
      names = "--key-base64",
      description = "KEY is base64 (RFC 4648, with + and /), for keys that are not text.")
  boolean keyBase64;

  @Option(
      names = "--partition",
      paramLabel = "P",
      description =
          "Look in partition P (default: the partition Kafka's default partitioner gives KEY,"
              + " where produce puts it).")
  Integer partition;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "value",
      description =
          "value (the default): the value; kv: key, separator, value;"
              + " json: an object with topic, partition, offset, timestamp, key, value and headers.")
  RecordFormat format;

  @Option(
      names = "--key-separator",
      paramLabel = "SEP",
      defaultValue = "\t",
      description = "What --format kv prints between key and value (default: a tab).")
  String keySeparator;

  @Override
  public Integer call() {
    byte[] keyBytes = keyBytes();
    if (partition != null && partition < 0) {
      throw new ParameterException(
          spec.commandLine(), "--partition must be 0 or more, was " + partition);
    }
    Optional<LogRecord> record;
    try (OneLog log = openForReading()) {
      record = latest(log, keyBytes);
    }
    if (record.isEmpty()) {
      err()
          .println(
              "onelog: key '"
                  + key
                  + "' has no record in "
                  + (partition == null ? "topic '" + topic + "'" : topic + "-" + partition)
                  + " (none was written, or its newest is a tombstone)");
      return NOT_FOUND;
    }
    RecordPrinter printer =
        new RecordPrinter(format, keySeparator, new FileOutputStream(FileDescriptor.out));
    try {
      printer.print(record.get());
      printer.flush();
    } catch (IOException e) {
      if (!RecordPrinter.isBrokenPipe(e)) {
        throw new CliException("cannot write to standard output: " + e.getMessage(), e);
      }
    }
    return 0;
  }

  private Optional<LogRecord> latest(OneLog log, byte[] keyBytes) {
    TopicPartition where = partition == null ? null : new TopicPartition(topic, partition);
    try {
      return where == null ? log.latest(topic, keyBytes) : log.latest(where, keyBytes);
    } catch (
        IllegalArgumentException notCompacted) { // the one IllegalArgumentException latest throws
      throw new CliException(
          "topic '"
              + topic
              + "' does not compact (cleanup policy delete), so it keeps no newest record per key;"
              + " get reads topics whose policy is compact or compact,delete: read this one with"
              + " 'onelog consume "
              + topic
              + " --from-beginning --format kv', or change its policy with 'onelog topics alter "
              + topic
              + " --cleanup compact'",
          notCompacted);
    }
  }

  private byte[] keyBytes() {
    if (!keyBase64) {
      // The JVM decodes arguments by the locale; under C/POSIX a non-ASCII key arrives as U+FFFD
      // and would match nothing, which would look like a missing key (status 1).
      if (key.indexOf('\uFFFD') >= 0) {
        throw new ParameterException(
            spec.commandLine(),
            "KEY could not be decoded in this locale ("
                + System.getProperty("sun.jnu.encoding")
                + "); run under a UTF-8 locale (LANG=C.UTF-8), or give the key's bytes with"
                + " --key-base64");
      }
      return key.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Base64.getDecoder().decode(key.trim());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "KEY '"
              + key
              + "' is not base64 ("
              + e.getMessage()
              + "); with --key-base64 give the key's bytes in base64, such as AAEC");
    }
  }
}
