package dev.onelog.bench.groups;

import dev.onelog.OneLog;
import dev.onelog.TopicPartition;
import dev.onelog.group.GroupConsumer;
import dev.onelog.group.GroupDescription;
import dev.onelog.group.GroupState;
import dev.onelog.group.MemberDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.UnaryOperator;

/**
 * {@code count} members of one group in this process, each confined to a thread of its own (a
 * member is not thread-safe), on a topic of {@code count} partitions, so that once the group is
 * stable each holds exactly one. Work is handed to every member's thread at once ({@link #onEach})
 * and joined through futures, so a failure on a member's thread fails the scenario. The threads are
 * named {@code <prefix>-<i>}, so their CPU time can be measured ({@code CpuTime.threadsNanos}).
 *
 * <p>Used by one thread, the scenario's; {@code stop} is volatile, written by it and read by the
 * members' threads.
 */
public final class MemberThreads implements AutoCloseable {
  /** How long an idle member's poll waits: {@code poll(Duration.ofMillis(100))}, Kafka's usual. */
  static final Duration IDLE_POLL = Duration.ofMillis(100);

  /** What a member's thread does with its member. */
  @FunctionalInterface
  public interface MemberWork<T> {
    T run(GroupConsumer member, int index) throws Exception;
  }

  private final OneLog log;
  private final String groupId;
  private final List<ExecutorService> threads = new ArrayList<>();
  private final List<GroupConsumer> members = new ArrayList<>();
  private final List<Future<Void>> polls = new ArrayList<>();
  private volatile boolean stop;

  private MemberThreads(OneLog log, String groupId) {
    this.log = log;
    this.groupId = groupId;
  }

  /**
   * Opens {@code count} members of {@code groupId} subscribed to {@code topic}, each on its own
   * thread, with {@code settings} applied to each builder; returns once all have joined (their
   * partitions come with their polls: see {@link #awaitOnePartitionEach}).
   */
  public static MemberThreads open(
      OneLog log,
      String groupId,
      String topic,
      int count,
      String threadPrefix,
      UnaryOperator<GroupConsumer.Builder> settings)
      throws Exception {
    MemberThreads crew = new MemberThreads(log, groupId);
    try {
      for (int i = 0; i < count; i++) {
        String name = threadPrefix + "-" + i;
        crew.threads.add(Executors.newSingleThreadExecutor(r -> new Thread(r, name)));
      }
      List<GroupConsumer> opened =
          crew.onEach(
              (ignored, i) -> settings.apply(log.groups().consumer(groupId).topics(topic)).open());
      crew.members.addAll(opened);
      return crew;
    } catch (Exception | Error e) {
      try {
        crew.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  public int size() {
    return threads.size();
  }

  /**
   * Runs {@code work} on every member's thread at once and waits for all; returns their results in
   * member order.
   *
   * @throws ExecutionException with the first member's failure
   */
  public <T> List<T> onEach(MemberWork<T> work) throws InterruptedException, ExecutionException {
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < threads.size(); i++) {
      int index = i;
      GroupConsumer member = index < members.size() ? members.get(index) : null;
      futures.add(threads.get(i).submit(() -> work.run(member, index)));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get());
    }
    return results;
  }

  /**
   * Polls every member until the file shows the group stable with each member holding exactly one
   * partition and assigned that same one, and each member's own {@code assignment()} agrees; so a
   * member that then stops polling (to commit in a loop) is not in the middle of a hand-over.
   *
   * @return each member's partition, in member order
   * @throws IllegalStateException when that does not happen within {@code timeout}, with the
   *     group's last description
   */
  public List<TopicPartition> awaitOnePartitionEach(Duration timeout) throws Exception {
    AtomicIntegerArray held = new AtomicIntegerArray(size());
    stop = false;
    List<Future<TopicPartition>> polling = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      int index = i;
      GroupConsumer member = members.get(i);
      polling.add(
          threads
              .get(i)
              .submit(
                  () -> {
                    while (!stop) {
                      member.poll(Duration.ofMillis(20));
                      held.set(index, member.assignment().size());
                    }
                    Set<TopicPartition> assignment = member.assignment();
                    return assignment.size() == 1 ? assignment.iterator().next() : null;
                  }));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    GroupDescription last = null;
    try {
      while (true) {
        last = log.groups().describe(groupId);
        if (isOnePartitionEach(last, held)) {
          break;
        }
        for (Future<TopicPartition> future : polling) {
          if (future.isDone()) {
            future.get(); // a member's poll failed: say why
          }
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "group '"
                  + groupId
                  + "' did not settle with one partition per member within "
                  + timeout
                  + "; last seen: "
                  + last);
        }
        Thread.sleep(20);
      }
    } finally {
      stop = true;
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (Future<TopicPartition> future : polling) {
      partitions.add(future.get());
    }
    if (partitions.contains(null) || new HashSet<>(partitions).size() != size()) {
      throw new IllegalStateException(
          "group '" + groupId + "' moved while settling: members hold " + partitions);
    }
    return partitions;
  }

  private boolean isOnePartitionEach(GroupDescription group, AtomicIntegerArray held) {
    if (group.state() != GroupState.STABLE || group.members().size() != size()) {
      return false;
    }
    for (MemberDescription member : group.members()) {
      if (member.owned().size() != 1 || !member.owned().equals(member.assigned())) {
        return false;
      }
    }
    for (int i = 0; i < held.length(); i++) {
      if (held.get(i) != 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts every member polling in a loop ({@link #IDLE_POLL} each), as an idle consumer does,
   * until {@link #close}; returns at once.
   */
  public void startPolling() {
    stop = false;
    for (int i = 0; i < size(); i++) {
      GroupConsumer member = members.get(i);
      polls.add(
          threads
              .get(i)
              .submit(
                  () -> {
                    while (!stop) {
                      member.poll(IDLE_POLL);
                    }
                    return null;
                  }));
    }
  }

  /**
   * Stops the polls, closes every member on its own thread (each leaves the group) and ends the
   * threads; throws the first failure of a poll loop or a close, unchecked. Idempotent.
   */
  @Override
  public void close() {
    stop = true;
    RuntimeException failure = null;
    List<Future<Void>> closing = new ArrayList<>(polls);
    polls.clear();
    for (int i = 0; i < members.size(); i++) {
      GroupConsumer member = members.get(i);
      closing.add(
          threads
              .get(i)
              .submit(
                  () -> {
                    member.close();
                    return null;
                  }));
    }
    members.clear();
    try {
      for (Future<Void> future : closing) {
        try {
          future.get();
        } catch (ExecutionException e) {
          RuntimeException cause =
              new IllegalStateException("a member of group '" + groupId + "' failed", e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
      for (ExecutorService thread : threads) {
        thread.shutdown();
      }
      for (ExecutorService thread : threads) {
        if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
          thread.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.forEach(ExecutorService::shutdownNow);
      throw new IllegalStateException("interrupted while closing the members of " + groupId, e);
    } finally {
      threads.clear();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
