package dev.onelog.cli;

import dev.onelog.Consumer;
import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.OffsetReset;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code onelog consume TOPIC}: prints records, one a line. It starts at the end of each partition,
 * as Kafka's console consumer does, unless told where to start; without {@code --follow} it stops
 * at the end offsets that existed when it started (or after {@code --max} records), so it always
 * terminates. Output goes through one buffer as raw bytes and is flushed at the end, or after each
 * poll that returned records when following.
 *
 * <p>With {@code --group} it consumes as a member of a consumer group instead, and commits what it
 * printed; see {@link GroupConsumeLoop}.
 *
 * <p>A reader that closes the pipe early ({@code | head -1}) ends the command quietly with status
 * 0, as it would end {@code cat}.
 */
@Command(
    name = "consume",
    sortOptions = false,
    description = "Print a topic's records, one a line.")
final class ConsumeCommand extends LogCommand {
  /** Large polls keep the per-poll cost (a read transaction per partition) out of the way. */
  static final int MAX_POLL_RECORDS = 10_000;

  static final long MAX_POLL_BYTES = 16L << 20;
  static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  /** The core's lower bound for a member's session timeout. */
  static final long MIN_SESSION_TIMEOUT_MS = 100;

  @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
  String topic;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Start start;

  static final class Start {
    @Option(
        names = "--from-beginning",
        description = "Start at the earliest record of each partition.")
    boolean fromBeginning;

    @Option(
        names = "--offset",
        paramLabel = "N",
        description =
            "Start at offset N in each partition read (every partition, or the one --partition names);"
                + " below a partition's earliest offset means its earliest.")
    Long offset;

    @Option(
        names = "--from-time",
        paramLabel = "TIME",
        converter = InstantConverter.class,
        description =
            "Start at the first record stamped at or after TIME, in each partition:"
                + " 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00.")
    Instant fromTime;
  }

  @Option(
      names = "--partition",
      paramLabel = "P",
      description = "Read only partition P (default: every partition).")
  Integer partition;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
  Long max;

  @Option(
      names = "--follow",
      description = "Keep waiting for new records until interrupted (Ctrl-C).")
  boolean follow;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      converter = GroupIdConverter.class,
      description =
          "Consume as a member of consumer group GROUP: share the topic's partitions with the"
              + " group's other members, start where the group committed, and commit what was"
              + " printed.")
  String group;

  @Option(
      names = "--session-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With --group: how long this member may go silent (killed, stopped) before the group"
              + " gives its partitions to the others; default 10s, at least 100ms.")
  Duration sessionTimeout;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "value",
      description =
          "value (the default): the value; kv: key, separator, value;"
              + " json: an object with topic, partition, offset, timestamp, key, value and headers"
              + " (bytes that are not UTF-8 as base64, marked), as produce --format json reads it.")
  RecordFormat format;

  @Option(
      names = "--key-separator",
      paramLabel = "SEP",
      defaultValue = "\t",
      description = "What --format kv prints between key and value (default: a tab).")
  String keySeparator;

  private RecordPrinter printer;

  @Override
  public Integer call() {
    validate();
    printer = new RecordPrinter(format, keySeparator, new FileOutputStream(FileDescriptor.out));
    long limit = max == null ? Long.MAX_VALUE : max;
    if (group != null) {
      return consumeInGroup(limit);
    }
    long printed;
    try (OneLog log = openForReading();
        Consumer consumer = consumer(log)) {
      position(consumer);
      printed = follow ? follow(consumer, limit) : readToEnd(log, consumer, limit);
      printer.flush();
      Thread.interrupted(); // a Ctrl-C that ended a poll must not disturb closing the log
    } catch (IOException e) {
      if (RecordPrinter.isBrokenPipe(e)) {
        return 0;
      }
      throw new CliException("cannot write to standard output: " + e.getMessage(), e);
    }
    if (printed == 0 && start == null && !follow) {
      err()
          .println(
              "onelog: nothing printed: consume starts at the end of the topic; add --from-beginning,"
                  + " --offset N or --from-time TIME to print stored records, or --follow to wait for new ones");
    }
    return 0;
  }

  private void validate() {
    if (max != null && max < 1) {
      throw new ParameterException(spec.commandLine(), "--max must be at least 1, was " + max);
    }
    if (start != null && start.offset != null && start.offset < 0) {
      throw new ParameterException(
          spec.commandLine(), "--offset must be at least 0, was " + start.offset);
    }
    if (partition != null && partition < 0) {
      throw new ParameterException(
          spec.commandLine(), "--partition must be at least 0, was " + partition);
    }
    if (group == null) {
      if (sessionTimeout != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--session-timeout is a setting of a group member; add --group GROUP, or drop it");
      }
      return;
    }
    if (partition != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--group cannot be combined with --partition: the group's members share the topic's"
              + " partitions among themselves; drop --partition, or drop --group to read one"
              + " partition without committing");
    }
    if (start != null && (start.offset != null || start.fromTime != null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--group cannot be combined with "
              + (start.offset != null ? "--offset" : "--from-time")
              + ": a member starts where its group committed; move the group's offsets first"
              + " with 'onelog groups reset "
              + group
              + " --topic "
              + topic
              + (start.offset != null ? " --to-offset N'" : " --to-time TIME'")
              + ", or drop --group to read without committing");
    }
    if (sessionTimeout != null && sessionTimeout.toMillis() < MIN_SESSION_TIMEOUT_MS) {
      throw new ParameterException(
          spec.commandLine(),
          "--session-timeout must be at least "
              + MIN_SESSION_TIMEOUT_MS
              + "ms, was "
              + DurationConverter.format(sessionTimeout));
    }
  }

  /**
   * Consumes as a member of the group: see {@link GroupConsumeLoop}. Opens the log read-write,
   * since a member writes its membership and commits to the file.
   */
  private int consumeInGroup(long limit) {
    boolean fromBeginning = start != null && start.fromBeginning;
    long printed;
    String nothingPrinted;
    try (OneLog log = openExistingLog()) {
      log.describeTopic(topic); // a member would wait for a missing topic; name the known ones
      boolean hadCommits =
          log.groups().committed(group).keySet().stream().anyMatch(p -> p.topic().equals(topic));
      GroupConsumer.Builder member =
          log.groups()
              .consumer(group)
              .topics(topic)
              .noAutoCommit()
              .offsetReset(fromBeginning ? OffsetReset.EARLIEST : OffsetReset.LATEST)
              .maxPollRecords(MAX_POLL_RECORDS);
      if (sessionTimeout != null) {
        member.sessionTimeout(sessionTimeout).heartbeatInterval(heartbeatInterval(sessionTimeout));
      }
      try (GroupConsumeLoop loop =
          new GroupConsumeLoop(log, member, printer, this::stopRequested)) {
        printed = loop.run(limit, follow);
        nothingPrinted = whyNothing(loop.heldAnyPartition(), hadCommits || fromBeginning);
      }
    } catch (IOException e) {
      if (RecordPrinter.isBrokenPipe(e)) {
        return 0;
      }
      throw new CliException("cannot write to standard output: " + e.getMessage(), e);
    }
    if (printed == 0 && !follow && !stopRequested()) {
      err().println("onelog: nothing printed: " + nothingPrinted);
    }
    return 0;
  }

  /** The hint {@code consume --group} prints when it printed nothing and stopped by itself. */
  private String whyNothing(boolean heldAnyPartition, boolean startedAtCommitsOrEarliest) {
    if (!heldAnyPartition) {
      return "the other members of group '" + group + "' hold every partition of '" + topic + "'";
    }
    if (startedAtCommitsOrEarliest) {
      return "group '" + group + "' had no records left to read in topic '" + topic + "'";
    }
    return "group '"
        + group
        + "' had no committed offsets in topic '"
        + topic
        + "', so it started at the end; add --from-beginning to start a new group at the earliest"
        + " records";
  }

  /** A third of the session timeout, as Kafka advises, but no more than the core's 1 s default. */
  static Duration heartbeatInterval(Duration sessionTimeout) {
    Duration third = sessionTimeout.dividedBy(3);
    return third.compareTo(Duration.ofSeconds(1)) < 0 ? third : Duration.ofSeconds(1);
  }

  private Consumer consumer(OneLog log) {
    Consumer consumer =
        partition == null
            ? log.consumer(topic)
            : log.consumer(List.of(TopicPartition.of(topic, partition)));
    return consumer.maxPollRecords(MAX_POLL_RECORDS).maxPollBytes(MAX_POLL_BYTES);
  }

  private void position(Consumer consumer) {
    if (start == null) {
      consumer.seekToEnd();
    } else if (start.fromBeginning) {
      consumer.seekToBeginning();
    } else if (start.offset != null) {
      for (TopicPartition p : consumer.assignment()) {
        consumer.seek(p, start.offset);
      }
    } else {
      consumer.seekToTimestamp(start.fromTime);
    }
  }

  /**
   * Prints records below each partition's end offset as of now, so that a producer writing at the
   * same time cannot keep the command running.
   */
  private long readToEnd(OneLog log, Consumer consumer, long limit) throws IOException {
    List<TopicPartition> partitions = List.copyOf(consumer.assignment());
    long[] endOffsets =
        new long[partitions.stream().mapToInt(TopicPartition::partition).max().orElse(0) + 1];
    for (TopicPartition p : partitions) {
      endOffsets[p.partition()] = log.nextOffset(p);
    }
    long printed = 0;
    while (printed < limit
        && !stopRequested()
        && !reachedEnd(log, consumer, partitions, endOffsets, false)) {
      List<LogRecord> records = consumer.poll(POLL_TIMEOUT);
      for (int i = 0; i < records.size() && printed < limit; i++) {
        LogRecord record = records.get(i);
        if (record.offset() < endOffsets[record.partition()]) {
          printer.print(record);
          printed++;
        }
      }
      if (records.isEmpty() && reachedEnd(log, consumer, partitions, endOffsets, true)) {
        break;
      }
    }
    return printed;
  }

  /**
   * Whether every partition's position reached its end offset; after an empty poll, also whether
   * retention deleted what was left to read (the earliest offset passed the end offset).
   */
  private static boolean reachedEnd(
      OneLog log,
      Consumer consumer,
      List<TopicPartition> partitions,
      long[] endOffsets,
      boolean afterEmptyPoll) {
    for (TopicPartition p : partitions) {
      long end = endOffsets[p.partition()];
      if (consumer.position(p) < end && !(afterEmptyPoll && log.earliestOffset(p) >= end)) {
        return false;
      }
    }
    return true;
  }

  private long follow(Consumer consumer, long limit) throws IOException {
    long printed = 0;
    while (printed < limit && !stopRequested()) {
      List<LogRecord> records = consumer.poll(POLL_TIMEOUT);
      for (int i = 0; i < records.size() && printed < limit; i++) {
        printer.print(records.get(i));
        printed++;
      }
      if (!records.isEmpty()) {
        printer.flush();
      }
    }
    return printed;
  }
}
