package dev.onelog.kafka;

import dev.onelog.OneLog;
import dev.onelog.internal.kafka.KafkaPipeline;
import dev.onelog.internal.kafka.ServerSecurity;
import dev.onelog.internal.kafka.ServerSettings;
import dev.onelog.internal.kafka.TlsFiles;
import dev.onelog.internal.kafka.sasl.Mechanisms;
import dev.onelog.internal.kafka.sasl.UserTable;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * An open log served as a one-node Kafka broker: any Kafka client (Java, librdkafka, kafkajs)
 * produces to and fetches from the log's topics over the network, and an admin client creates and
 * deletes topics, adds partitions, describes and alters topic configs, deletes records and
 * describes the cluster, while embedded code keeps using the same {@link OneLog}. The broker is
 * node 0 and leads every partition, and coordinates every consumer group (Kafka's classic group
 * protocol): members in its memory, committed offsets in the file, where {@code log.groups()} reads
 * them (docs/GROUPS.md).
 *
 * <pre>{@code
 * try (OneLog log = OneLog.open(Path.of("events.db"));
 *     KafkaServer server = KafkaServer.builder(log).listen(new InetSocketAddress("127.0.0.1", 9092)).start()) {
 *   // bootstrap.servers=127.0.0.1:9092
 * }
 * }</pre>
 *
 * <p>Plaintext and open to anyone who reaches the port unless the builder turns on {@link
 * Builder#tls TLS} and {@link Builder#sasl SASL} (users in the file, {@link KafkaUsers}).
 *
 * <p>Thread-safe. {@link #close()} stops accepting connections, answers the fetches that wait,
 * closes every connection and stops the server's threads; it does not close the log, and it is
 * idempotent.
 */
public final class KafkaServer implements AutoCloseable {
  private final KafkaPipeline pipeline;

  private KafkaServer(KafkaPipeline pipeline) {
    this.pipeline = pipeline;
  }

  public static Builder builder(OneLog log) {
    return new Builder(log);
  }

  /** The address the server listens on (with the port it got, when it was asked for port 0). */
  public InetSocketAddress address() {
    return pipeline.address();
  }

  /** The {@code host:port} that clients are told to connect to: their bootstrap.servers. */
  public String bootstrapServers() {
    return pipeline.settings().advertisedHost() + ":" + pipeline.settings().advertisedPort();
  }

  @Override
  public void close() {
    pipeline.close();
  }

  /** Settings of a server; each setter checks its value at once. */
  public static final class Builder {
    /** Kafka's default for {@code socket.request.max.bytes}. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;

    /** Kafka's default for {@code connections.max.idle.ms}. */
    public static final Duration DEFAULT_MAX_IDLE = Duration.ofMinutes(10);

    /**
     * Twice the Java clients' default {@code request.timeout.ms}, which counts from when a request
     * starts going out: a request still arriving after it has, by default, been given up by its
     * client.
     */
    public static final Duration DEFAULT_REQUEST_ARRIVAL_TIMEOUT = Duration.ofSeconds(60);

    private final OneLog log;
    private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 9092);
    private String advertisedHost;
    private int advertisedPort = -1;
    private boolean autoCreateTopics = true;
    private int defaultPartitions = 1;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxConnections = 1024;
    private int maxConnectionsPerAddress = 256;
    private Duration maxIdle = DEFAULT_MAX_IDLE;
    private Duration requestArrivalTimeout = DEFAULT_REQUEST_ARRIVAL_TIMEOUT;
    private SslContext tls;
    private boolean sasl;

    private Builder(OneLog log) {
      this.log = Objects.requireNonNull(log, "log");
    }

    /** Where to listen; port 0 takes a free port. Default 127.0.0.1:9092. */
    public Builder listen(InetSocketAddress address) {
      this.listen = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The host and port clients are told to connect to, when it is not the listening address (a
     * container's published port, a host name).
     */
    public Builder advertise(String host, int port) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("advertised host is blank; give a host name or address");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("advertised port " + port + " is not in 1..65535");
      }
      this.advertisedHost = host;
      this.advertisedPort = port;
      return this;
    }

    /** Whether Metadata and Produce create a missing topic they name, as Kafka does by default. */
    public Builder autoCreateTopics(boolean create) {
      this.autoCreateTopics = create;
      return this;
    }

    /**
     * Partitions of a topic created by Metadata or Produce. Default 1, as Kafka's num.partitions.
     */
    public Builder defaultPartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("default partitions < 1: " + partitions);
      }
      this.defaultPartitions = partitions;
      return this;
    }

    /** The largest request accepted, in bytes; larger ones close their connection. */
    public Builder maxRequestBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max request bytes < 1024: " + bytes);
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /**
     * Connections open at once, in total and from one client address (Kafka's {@code
     * max.connections} and {@code max.connections.per.ip}); one past either is closed at once.
     * Defaults 1024 and 256.
     */
    public Builder maxConnections(int total, int perAddress) {
      if (total < 1 || perAddress < 1 || perAddress > total) {
        throw new IllegalArgumentException(
            "connection limits "
                + total
                + " in total and "
                + perAddress
                + " per address: both"
                + " must be at least 1, and the per-address one at most the total");
      }
      this.maxConnections = total;
      this.maxConnectionsPerAddress = perAddress;
      return this;
    }

    /**
     * How long a connection may go without sending a byte or being sent one before it is closed
     * (Kafka's {@code connections.max.idle.ms}); its client reconnects when it next needs to. Bytes
     * of a request still arriving count as activity (see {@link #requestArrivalTimeout}). Default
     * 10 minutes, as Kafka's.
     *
     * @throws IllegalArgumentException when {@code time} is not positive
     */
    public Builder maxIdle(Duration time) {
      this.maxIdle = positive("max idle", time);
      return this;
    }

    /**
     * How long one request may take to arrive, from its first byte to its last, before its
     * connection is closed: a client that sends a request's size and then a byte a second (a
     * slowloris attack), or stops halfway, gives its connection back. Default 60 seconds, twice the
     * Java clients' {@code request.timeout.ms}; a client sending large requests over a slow link
     * needs more than its largest request's size divided by the link's speed.
     *
     * @throws IllegalArgumentException when {@code time} is not positive
     */
    public Builder requestArrivalTimeout(Duration time) {
      this.requestArrivalTimeout = positive("request arrival timeout", time);
      return this;
    }

    private static Duration positive(String name, Duration time) {
      Objects.requireNonNull(time, name);
      if (time.isNegative() || time.isZero()) {
        throw new IllegalArgumentException(name + " is not positive: " + time);
      }
      return time;
    }

    /**
     * Serves TLS with the certificate chain in {@code certificatePem} (the server's certificate
     * first) and its private key in {@code privateKeyPem}, an unencrypted PKCS#8 PEM file ({@code
     * -----BEGIN PRIVATE KEY-----}). Clients connect with {@code security.protocol=SSL}, or {@code
     * SASL_SSL} with {@link #sasl()}. Reads both files at once.
     *
     * @throws IllegalArgumentException when a file cannot be read, is not PEM, or the key does not
     *     belong to the certificate; the message names the file
     */
    public Builder tls(Path certificatePem, Path privateKeyPem) {
      Objects.requireNonNull(certificatePem, "certificatePem");
      Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      this.tls = TlsFiles.serverContext(certificatePem, privateKeyPem);
      return this;
    }

    /**
     * Requires every connection to authenticate with SASL (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)
     * as one of the users kept in the file ({@link KafkaUsers}) before any request but ApiVersions
     * is answered; a wrong password is answered SASL_AUTHENTICATION_FAILED and the connection
     * closed. Clients connect with {@code security.protocol=SASL_PLAINTEXT}, or {@code SASL_SSL}
     * with {@link #tls}. Without TLS, PLAIN sends the password in clear.
     */
    public Builder sasl() {
      this.sasl = true;
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound (in use, not local)
     */
    public KafkaServer start() {
      return new KafkaServer(
          KafkaPipeline.start(
              log,
              listen,
              new ServerSecurity(tls, sasl ? new Mechanisms(UserTable.of(log)) : null),
              bound ->
                  new ServerSettings(
                      advertisedHost != null ? advertisedHost : advertisable(bound),
                      advertisedPort > 0 ? advertisedPort : bound.getPort(),
                      autoCreateTopics,
                      defaultPartitions,
                      maxRequestBytes,
                      maxConnections,
                      maxConnectionsPerAddress,
                      maxIdle,
                      requestArrivalTimeout)));
    }
  }

  /**
   * The host to tell clients when none was given: the bound address, or, for the wildcard (0.0.0.0
   * or ::, which clients cannot connect to and Kafka refuses to advertise), this machine's name.
   */
  private static String advertisable(java.net.InetSocketAddress bound) {
    if (bound.getAddress() == null || !bound.getAddress().isAnyLocalAddress()) {
      return bound.getHostString();
    }
    try {
      return java.net.InetAddress.getLocalHost().getCanonicalHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
