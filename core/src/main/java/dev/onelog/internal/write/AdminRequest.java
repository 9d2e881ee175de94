package dev.onelog.internal.write;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * Work that changes the file's structure (create or delete a topic) and runs on the writer thread
 * in a transaction of its own, so that it is ordered with appends and never contends with the
 * writer for the lock. A request without work is a barrier: it completes once everything queued
 * before it has committed.
 */
public final class AdminRequest<T> extends WriteRequest {
  /** Runs inside {@code BEGIN IMMEDIATE}; its result completes the future after the commit. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  final Work<T> work;
  final String description;
  final CompletableFuture<T> future = new CompletableFuture<>();

  AdminRequest(Work<T> work, String description) {
    super(0);
    this.work = work;
    this.description = description;
  }

  @Override
  void fail(Throwable cause) {
    future.completeExceptionally(cause);
  }
}
