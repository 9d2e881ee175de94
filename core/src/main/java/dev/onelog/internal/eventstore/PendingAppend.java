package dev.onelog.internal.eventstore;

import dev.onelog.eventstore.AppendCondition;
import dev.onelog.eventstore.AppendResult;
import dev.onelog.eventstore.StreamAppend;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One caller's append, prepared on its thread and queued for the writer: the streams' events (with
 * their records but for the version), an optional condition, and the future that receives the
 * results once the transaction that stored them committed. {@code results} and {@code failure} are
 * the writer thread's.
 */
final class PendingAppend {
  final List<StreamAppend> appends;
  final List<List<EventCodec.Prepared>> prepared;
  final AppendCondition condition;
  final CompletableFuture<List<AppendResult>> future = new CompletableFuture<>();

  /** Set by the writer thread when the append was stored (or found to be a retry). */
  List<AppendResult> results;

  /** Set by the writer thread when the append was refused; nothing of it was stored. */
  RuntimeException failure;

  PendingAppend(
      List<StreamAppend> appends,
      List<List<EventCodec.Prepared>> prepared,
      AppendCondition condition) {
    this.appends = appends;
    this.prepared = prepared;
    this.condition = condition;
  }

  int eventCount() {
    int count = 0;
    for (StreamAppend append : appends) {
      count += append.events().size();
    }
    return count;
  }

  /** Hands the writer's verdict to the caller, once the transaction committed. */
  void completeAfterCommit() {
    if (failure != null) {
      future.completeExceptionally(failure);
    } else {
      future.complete(results);
    }
  }
}
