package dev.onelog.internal.kafka;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: starts its requests on the worker threads one at a time, in the order they
 * came (two produces to one partition keep their order), and writes the responses in that same
 * order, as the protocol requires, whatever order they complete in. While {@link #MAX_IN_FLIGHT}
 * requests wait for their responses, the connection stops reading.
 *
 * <p>Fields are confined to the channel's event loop, except {@link #started}, which is only
 * replaced on it.
 */
final class Connection extends SimpleChannelInboundHandler<Request> {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** Requests of one connection waiting for their responses before it stops reading. */
  static final int MAX_IN_FLIGHT = 100;

  private final Apis apis;
  private final Executor workers;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

  /** Completes when the last request read has been started on a worker. */
  private CompletableFuture<Void> started = CompletableFuture.completedFuture(null);

  private static final class InFlight {
    final Request request;

    /** Set on a worker, read on the event loop after {@link #done}. */
    volatile AbstractResponse response;

    volatile Throwable failure;
    volatile boolean done;

    InFlight(Request request) {
      this.request = request;
    }
  }

  Connection(Apis apis, Executor workers) {
    this.apis = apis;
    this.workers = workers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Request request) {
    InFlight call = new InFlight(request);
    inFlight.add(call);
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      ctx.channel().config().setAutoRead(false);
    }
    started = started.thenRunAsync(() -> start(ctx, call), workers);
  }

  /** On a worker: asks the API, never throwing, so the next request always starts. */
  private void start(ChannelHandlerContext ctx, InFlight call) {
    CompletableFuture<AbstractResponse> answer;
    try {
      answer = apis.answer(call.request);
    } catch (RuntimeException | Error e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (response, failure) -> {
          call.response = response;
          call.failure = failure;
          call.done = true;
          ctx.executor().execute(() -> writeDone(ctx));
        });
  }

  /** On the event loop: writes the responses at the head of the line that are ready. */
  private void writeDone(ChannelHandlerContext ctx) {
    boolean wrote = false;
    while (!inFlight.isEmpty() && inFlight.peek().done) {
      InFlight call = inFlight.poll();
      AbstractResponse response = call.response;
      if (call.failure != null) {
        response = errorResponse(call);
      }
      if (response != null && ctx.channel().isActive()) {
        ctx.write(new Response(call.request.header(), response))
            .addListener(
                written -> {
                  if (!written.isSuccess()) {
                    // A response that cannot be encoded in the request's version: the client
                    // would wait for it forever, so close and let it reconnect.
                    log.warn(
                        "could not write the response to {} v{}; closing the connection",
                        call.request.header().apiKey(),
                        call.request.header().apiVersion(),
                        written.cause());
                    ctx.close();
                  }
                });
        wrote = true;
      }
    }
    if (wrote) {
      ctx.flush();
    }
    if (inFlight.size() < MAX_IN_FLIGHT / 2 && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private static AbstractResponse errorResponse(InFlight call) {
    Throwable cause = KafkaErrors.unwrap(call.failure);
    if (KafkaErrors.of(cause) == org.apache.kafka.common.protocol.Errors.UNKNOWN_SERVER_ERROR) {
      log.warn("{} failed", call.request.header().apiKey(), cause);
    }
    return call.request
        .body()
        .getErrorResponse(0, KafkaErrors.of(cause).exception(KafkaErrors.message(cause)));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
