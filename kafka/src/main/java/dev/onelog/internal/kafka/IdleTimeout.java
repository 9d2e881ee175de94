package dev.onelog.internal.kafka;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has neither sent a byte nor been sent one (a response, or progress on
 * writing one) for the server's max idle time, as Kafka's broker does after {@code
 * connections.max.idle.ms}: a client that went away without closing, or a flood of connections that
 * never speak, gives its connection back. A Java client reconnects on its own, and closes its own
 * idle connections first (its {@code connections.max.idle.ms} is 9 minutes, the broker's 10).
 *
 * <p>It sits before {@link FrameDecoder}, so bytes of a request still arriving count as activity: a
 * request that arrives slowly is the arrival timeout's to judge, not this one's, whatever the two
 * are set to. Like Kafka's, it counts no requests: one in flight with no bytes either way for the
 * whole time (a JoinGroup waiting longer than the limit) closes its connection too.
 *
 * <p>Not thread-safe: one per connection, on its event loop (Netty's {@link IdleStateHandler}).
 */
final class IdleTimeout extends IdleStateHandler {
  private static final Logger log = LoggerFactory.getLogger(IdleTimeout.class);

  private final Duration maxIdle;

  IdleTimeout(Duration maxIdle) {
    super(true, 0, 0, maxIdle.toNanos(), TimeUnit.NANOSECONDS);
    this.maxIdle = maxIdle;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
    log.info(
        "closing the connection from {}: nothing sent or received for {} ms (onelog serve"
            + " --max-idle)",
        ctx.channel().remoteAddress(),
        maxIdle.toMillis());
    ctx.close();
  }
}
