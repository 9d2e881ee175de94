package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import dev.onelog.internal.kafka.group.GroupCoordinator;
import dev.onelog.internal.kafka.group.WireMembersMirror;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: Netty's acceptor and event loops, the worker threads that answer requests,
 * the timer of parked fetches and of the group coordinator's deadlines, and the APIs. Threads: one
 * acceptor, one event loop per core, {@link #WORKERS} workers, one timer; all daemons, all stopped
 * by {@link #close}.
 */
public final class KafkaPipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaPipeline.class);

  /** Threads that answer requests: reads and waits on SQLite happen here, never on event loops. */
  static final int WORKERS = 4;

  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ParkedFetches parked;
  private final GroupCoordinator coordinator;
  private final WireMembersMirror groupRows;
  private Channel server;
  private ServerSettings settings;
  private boolean closed;

  private KafkaPipeline(OneLog log) {
    this.acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("onelog-kafka-accept", true), NioIoHandler.newFactory());
    this.loops =
        new MultiThreadIoEventLoopGroup(
            0, new DefaultThreadFactory("onelog-kafka-io", true), NioIoHandler.newFactory());
    this.workers =
        Executors.newFixedThreadPool(
            WORKERS, new DefaultThreadFactory("onelog-kafka-worker", true));
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("onelog-kafka-timer", true));
    this.parked = new ParkedFetches(log, workers, timer);
    this.coordinator = GroupCoordinator.start(timer);
    this.groupRows = WireMembersMirror.start(log, coordinator);
  }

  /**
   * Binds {@code listen} and serves {@code log}; {@code settings} makes the server's settings from
   * the bound address.
   */
  public static KafkaPipeline start(
      OneLog log,
      InetSocketAddress listen,
      ServerSecurity security,
      Function<InetSocketAddress, ServerSettings> settings) {
    KafkaPipeline pipeline = new KafkaPipeline(log);
    try {
      pipeline.bind(log, listen, security, settings);
      return pipeline;
    } catch (RuntimeException | Error e) {
      pipeline.close();
      throw e;
    }
  }

  private void bind(
      OneLog log,
      InetSocketAddress listen,
      ServerSecurity security,
      Function<InetSocketAddress, ServerSettings> make) {
    // The settings need the bound port, and the APIs the settings: the initializer reads the
    // field, which is set before the first connection can be accepted.
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, loops)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true) // a restarted server takes its port again
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channels.add(channel);
                    ChannelPipeline pipeline = channel.pipeline();
                    if (security.tls() != null) {
                      pipeline.addLast("tls", security.tls().newHandler(channel.alloc()));
                    }
                    pipeline
                        .addLast("limits", limits)
                        .addLast("idle", new IdleTimeout(settings.maxIdle()))
                        .addLast(
                            "frames",
                            new FrameDecoder(
                                settings.maxRequestBytes(), settings.requestArrivalTimeout()))
                        .addLast("requests", new RequestDecoder())
                        .addLast("responses", new ResponseEncoder());
                    if (security.sasl() != null) {
                      pipeline.addLast(
                          "sasl", new SaslAuthenticator(apis, security.sasl(), workers));
                    }
                    pipeline.addLast("connection", new Connection(apis, workers));
                  }
                });
    try {
      server = bootstrap.bind(listen).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + listen, e);
    } catch (Exception e) {
      throw new UncheckedIOException(
          new IOException("could not listen on " + listen + ": " + e.getMessage(), e));
    }
    settings = make.apply((InetSocketAddress) server.localAddress());
    limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress());
    Topics topics = new Topics(log, settings);
    ProducerStates.createTable(log);
    Apis answered =
        new Apis()
            .add(
                ApiKeys.METADATA,
                0,
                ApiKeys.METADATA.latestVersion(),
                new MetadataApi(topics, settings))
            .add(ApiKeys.PRODUCE, 3, 13, new ProduceApi(topics, settings.maxRequestBytes()))
            .add(ApiKeys.FETCH, 4, 18, new FetchApi(topics, parked))
            .add(
                ApiKeys.LIST_OFFSETS,
                1,
                ApiKeys.LIST_OFFSETS.latestVersion(),
                new ListOffsetsApi(topics))
            .add(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, new OffsetForLeaderEpochApi(topics))
            .add(
                ApiKeys.INIT_PRODUCER_ID,
                0,
                ApiKeys.INIT_PRODUCER_ID.latestVersion(),
                new InitProducerIdApi(log, System.currentTimeMillis()))
            .add(ApiKeys.CREATE_TOPICS, 2, 7, new CreateTopicsApi(topics, settings))
            .add(ApiKeys.DELETE_TOPICS, 1, 6, new DeleteTopicsApi(topics))
            .add(ApiKeys.CREATE_PARTITIONS, 0, 3, new CreatePartitionsApi(topics))
            .add(ApiKeys.DESCRIBE_CONFIGS, 1, 4, new DescribeConfigsApi(topics, settings))
            .add(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, new IncrementalAlterConfigsApi(topics))
            .add(ApiKeys.DELETE_RECORDS, 0, 2, new DeleteRecordsApi(topics))
            .add(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterApi(settings))
            .add(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0, new DescribeTopicPartitionsApi(topics))
            .add(ApiKeys.FIND_COORDINATOR, 0, 6, new FindCoordinatorApi(settings))
            .add(ApiKeys.JOIN_GROUP, 0, 9, new JoinGroupApi(coordinator, log))
            .add(ApiKeys.SYNC_GROUP, 0, 5, new SyncGroupApi(coordinator))
            .add(ApiKeys.HEARTBEAT, 0, 4, new HeartbeatApi(coordinator))
            .add(ApiKeys.LEAVE_GROUP, 0, 5, new LeaveGroupApi(coordinator))
            .add(ApiKeys.OFFSET_COMMIT, 2, 9, new OffsetCommitApi(coordinator, topics))
            .add(ApiKeys.OFFSET_FETCH, 1, 9, new OffsetFetchApi(topics))
            .add(ApiKeys.OFFSET_DELETE, 0, 0, new OffsetDeleteApi(coordinator, topics))
            .add(ApiKeys.LIST_GROUPS, 0, 5, new ListGroupsApi(coordinator, log))
            .add(ApiKeys.DESCRIBE_GROUPS, 0, 6, new DescribeGroupsApi(coordinator, log))
            .add(ApiKeys.DELETE_GROUPS, 0, 2, new DeleteGroupsApi(coordinator, log));
    if (security.sasl() != null) {
      // Answered by SaslAuthenticator before authentication; after it, they are out of turn.
      // SaslHandshake v0 (tokens without SaslAuthenticate frames) is not offered.
      Api authenticated =
          request ->
              CompletableFuture.failedFuture(
                  new IllegalSaslStateException(
                      request.header().apiKey() + " after the connection was authenticated"));
      answered
          .add(ApiKeys.SASL_HANDSHAKE, 1, 1, authenticated)
          .add(ApiKeys.SASL_AUTHENTICATE, 0, 2, authenticated);
    }
    apis = answered;
    channels.add(server);
  }

  private volatile Apis apis;
  private volatile ConnectionLimits limits;

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  public ServerSettings settings() {
    return settings;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    parked.close();
    coordinator.close();
    groupRows.close();
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdown();
    timer.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loops.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
