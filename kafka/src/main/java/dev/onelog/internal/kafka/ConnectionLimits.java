package dev.onelog.internal.kafka;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections open at once, in total and per client address (Kafka's {@code
 * max.connections} and {@code max.connections.per.ip}): a connection past either cap is closed as
 * soon as it is accepted, and the others are not affected. Thread-safe: one shared by every
 * connection.
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  ConnectionLimits(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    int all = total.incrementAndGet();
    int mine = perAddress.merge(address, 1, Integer::sum);
    ctx.channel().closeFuture().addListener(closed -> release(address));
    if (all > maxTotal || mine > maxPerAddress) {
      log.warn(
          "refused a connection from {}: {} open ({} from it); limits {} and {} per address",
          address,
          all - 1,
          mine - 1,
          maxTotal,
          maxPerAddress);
      ctx.close();
      return;
    }
    super.channelActive(ctx);
  }

  private void release(InetAddress address) {
    total.decrementAndGet();
    perAddress.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1);
  }

  int open() {
    return total.get();
  }
}
