package dev.onelog.internal.write;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A queued {@link Step} and the future that receives its result once the transaction that ran it
 * committed. {@code description} completes "while ..." in error messages: "creating topic orders".
 */
public final class StepRequest<T> extends WriteRequest implements TransactionStep {
  private final Step<T> work;
  private final String description;
  final CompletableFuture<T> future = new CompletableFuture<>();
  private T result;

  StepRequest(Step<T> work, String description) {
    super(0);
    this.work = work;
    this.description = description;
  }

  @Override
  public void run(StepContext tx) throws java.sql.SQLException {
    result = work.run(tx);
  }

  @Override
  public void committed() {
    future.complete(result);
  }

  @Override
  public void failedAlone(Throwable cause, WriteFailures failures) {
    future.completeExceptionally(failures.own(cause, description, List.of()));
  }

  @Override
  public void failedWithTransaction(Throwable cause, WriteFailures failures) {
    future.completeExceptionally(failures.forCaller(cause, description, List.of()));
  }

  @Override
  void fail(Throwable cause) {
    future.completeExceptionally(cause);
  }
}
