package dev.onelog.cli;

import dev.onelog.LogRecord;
import dev.onelog.OneLog;
import dev.onelog.OneLogException;
import dev.onelog.TopicPartition;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.MemberDescription;
import dev.onelog.group.OffsetAndMetadata;
import dev.onelog.group.RebalanceListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@code consume --group}: polls as a member of a consumer group, prints the records and commits
 * what it printed. After each poll it prints the batch, flushes it to standard output and only then
 * commits, and it commits before it polls again: so a record is committed only once it was printed,
 * and every record printed is committed before the member can give its partition up (the core hands
 * a partition over only inside a poll). A clean stop therefore prints each record exactly once
 * across the group's members; a killed member's uncommitted records are printed again by the member
 * that takes its partitions over.
 *
 * <p>Without {@code follow} it stops once caught up: it holds every partition the group assigned it
 * and has read each to its end (a poll returned nothing, or every position reached the partition's
 * next offset). A new member may need a poll or two to get its partitions from the members that
 * held them.
 *
 * <p>A signal ({@link Shutdown}) interrupts the thread and sets {@code stopRequested}: the loop
 * commits what it printed and {@link #close} leaves the group, so its partitions move to the other
 * members at once. Not thread-safe: one command's thread runs it.
 */
final class GroupConsumeLoop implements AutoCloseable {
  /**
   * Short, because {@link GroupConsumer#poll} keeps polling until its timeout after an interrupt
   * (see the report on core): a Ctrl-C then costs at most this before the commit and the leave,
   * well within {@link Shutdown#GRACE_MS}. Records and partition moves end a poll's wait at once,
   * so it costs nothing else.
   */
  static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  private final OneLog log;
  private final GroupConsumer consumer;
  private final RecordPrinter printer;
  private final BooleanSupplier stopRequested;

  /**
   * The offset this member last committed in each partition it holds; a partition is forgotten when
   * it goes, so that one held again is committed anew. Only the command's thread touches it: the
   * listener runs inside poll and close.
   */
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  private boolean heldAny;

  /**
   * Joins the group.
   *
   * @param member the member's settings but its rebalance listener, which this loop sets
   */
  GroupConsumeLoop(
      OneLog log,
      GroupConsumer.Builder member,
      RecordPrinter printer,
      BooleanSupplier stopRequested) {
    this.log = log;
    this.printer = printer;
    this.stopRequested = stopRequested;
    this.consumer = member.rebalanceListener(new ForgetPartitionsThatGo()).open();
  }

  /**
   * Prints and commits until caught up (unless {@code follow}), {@code limit} records were printed,
   * or a signal asked to stop; returns how many it printed.
   *
   * @throws IOException when standard output fails; what failed to print is not committed
   */
  long run(long limit, boolean follow) throws IOException {
    long printed = 0;
    while (printed < limit && !stopRequested.getAsBoolean()) {
      List<LogRecord> records;
      try {
        records = consumer.poll(POLL_TIMEOUT);
      } catch (OneLogException e) {
        if (stopRequested.getAsBoolean()) {
          break; // the interrupt cut short a group step the poll waited for; nothing is pending
        }
        throw e;
      }
      int count = (int) Math.min(records.size(), limit - printed);
      for (int i = 0; i < count; i++) {
        printer.print(records.get(i));
      }
      printer.flush();
      printed += count;
      commit(offsetsAfter(records, count));
      if (!follow && caughtUp(records.isEmpty())) {
        break;
      }
    }
    return printed;
  }

  /**
   * What to commit after printing the first {@code printed} of {@code records}: each held
   * partition's position, except that a partition with records left unprinted (by {@code --max})
   * commits the first of them, so they are printed next time.
   */
  private Map<TopicPartition, Long> offsetsAfter(List<LogRecord> records, int printed) {
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    for (TopicPartition partition : consumer.assignment()) {
      offsets.put(partition, consumer.position(partition));
    }
    for (int i = printed; i < records.size(); i++) {
      LogRecord record = records.get(i);
      offsets.merge(record.topicPartition(), record.offset(), Math::min);
    }
    return offsets;
  }

  /**
   * Commits the offsets that changed since this member's last commit, and waits until they are
   * durable. A partition just taken at the reset position (nothing committed yet) is committed too,
   * as Kafka's console consumer does, so the next run starts there and not at a later end.
   */
  private void commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> changed = new LinkedHashMap<>();
    offsets.forEach(
        (partition, offset) -> {
          if (!offset.equals(committed.get(partition))) {
            changed.put(partition, OffsetAndMetadata.of(offset));
          }
        });
    if (changed.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(changed);
    } catch (OneLogException e) {
      if (!(stopRequested.getAsBoolean() && Thread.interrupted())) {
        throw e;
      }
      // A Ctrl-C interrupted the wait, not the commit, which may still be queued: commit the same
      // offsets again and wait for it, uninterrupted. Committing an offset twice is harmless.
      consumer.commitSync(changed);
    }
    changed.forEach((partition, offset) -> committed.put(partition, offset.offset()));
  }

  /**
   * Whether this member has read everything it will get: it holds every partition the group
   * assigned it, and the last poll returned nothing or every position reached its partition's next
   * offset.
   */
  private boolean caughtUp(boolean emptyPoll) {
    Set<TopicPartition> held = consumer.assignment();
    if (!emptyPoll) {
      for (TopicPartition partition : held) {
        if (consumer.position(partition) < log.nextOffset(partition)) {
          return false;
        }
      }
    }
    String memberId = consumer.memberId();
    for (MemberDescription member : log.groups().describe(consumer.groupId()).members()) {
      if (member.memberId().equals(memberId)) {
        return held.containsAll(member.assigned());
      }
    }
    return false; // its session expired, as the file sees it; the next poll joins again
  }

  /** Whether the group gave this member any partition (it has more members than partitions). */
  boolean heldAnyPartition() {
    return heldAny;
  }

  /** Leaves the group, so that its partitions move to the other members at once. Idempotent. */
  @Override
  public void close() {
    Thread.interrupted(); // a Ctrl-C's interrupt must not cut short the wait for the leave
    consumer.close();
  }

  private final class ForgetPartitionsThatGo implements RebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      partitions.forEach(committed::remove);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      heldAny = true;
    }
  }
}
