package dev.onelog.cli;

import dev.onelog.OneLog;
import dev.onelog.kafka.KafkaServer;
import dev.onelog.kafka.KafkaUsers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onelog serve}: the log as a one-node Kafka broker until SIGTERM or SIGINT. Prints one line
 * when it is ready, with the address it listens on (the port it got, for {@code --listen
 * 127.0.0.1:0}) and the file; on a signal, closes the server (answering the fetches that wait) and
 * the log, which commits what was acknowledged and checkpoints the WAL.
 *
 * <p>Listens on loopback by default. A non-loopback address needs authentication ({@code --sasl},
 * users from {@code onelog users add}) or {@code --insecure}: without it, anyone who reaches the
 * port could read and write every topic. {@code --tls-cert} and {@code --tls-key} turn on TLS;
 * {@code --sasl} without them warns that PLAIN sends passwords in clear.
 */
@Command(
    name = "serve",
    description =
        "Serve the log as a Kafka broker: any Kafka client (Java, librdkafka, kafkajs) produces"
            + " and consumes over the network. Stops on SIGTERM or Ctrl-C.")
final class ServeCommand extends LogCommand {
  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9092",
      description = "Where to listen; port 0 takes a free port. Default ${DEFAULT-VALUE}.")
  String listen;

  @Option(
      names = "--advertise",
      paramLabel = "HOST:PORT",
      description = "The address clients are told to connect to, when not the listening one.")
  String advertise;

  @Option(
      names = "--no-auto-create",
      description = "Refuse topics that do not exist instead of creating them on Metadata/Produce.")
  boolean noAutoCreate;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "1",
      description = "Partitions of a topic created by a client. Default ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--max-request-bytes",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      defaultValue = "100MiB",
      description = "The largest request accepted (e.g. 1MiB); larger ones close their connection.")
  long maxRequestBytes;

  @Option(
      names = "--max-idle",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "10m",
      description =
          "Close a connection that sends and is sent nothing for this long (Kafka's"
              + " connections.max.idle.ms). Default ${DEFAULT-VALUE}.")
  Duration maxIdle;

  @Option(
      names = "--request-arrival-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "60s",
      description =
          "Close a connection whose request has not arrived whole this long after its first byte"
              + " (a client sending a byte a second). Default ${DEFAULT-VALUE}.")
  Duration requestArrivalTimeout;

  @Option(
      names = "--tls-cert",
      paramLabel = "PATH",
      description =
          "Serve TLS with this PEM certificate chain (the server's certificate first); needs"
              + " --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PATH",
      description =
          "The certificate's private key, an unencrypted PKCS#8 PEM file (BEGIN PRIVATE KEY).")
  Path tlsKey;

  @Option(
      names = "--sasl",
      description =
          "Require SASL authentication (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) as a user added with"
              + " 'onelog users add'.")
  boolean sasl;

  @Option(
      names = "--insecure",
      description = "Allow a non-loopback --listen address without authentication (--sasl).")
  boolean insecure;

  @Override
  public Integer call() throws Exception {
    CommandLogging.toStandardError();
    InetSocketAddress address = address("--listen", listen);
    if (!address.getAddress().isLoopbackAddress() && !sasl && !insecure) {
      throw new CliException(
          "--listen "
              + listen
              + " is not a loopback address, and without authentication anyone who reaches the"
              + " port could read and write every topic; pass --sasl (users from 'onelog users"
              + " add', TLS with --tls-cert and --tls-key recommended), listen on 127.0.0.1, or"
              + " pass --insecure on a network you trust");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CliException(
          (tlsCert == null ? "--tls-key without --tls-cert" : "--tls-cert without --tls-key")
              + "; TLS needs both the certificate and its private key");
    }
    if (maxRequestBytes > Integer.MAX_VALUE) {
      throw new CliException("--max-request-bytes " + maxRequestBytes + " is above 2 GiB");
    }
    try (OneLog log = openLog()) {
      KafkaServer.Builder builder =
          KafkaServer.builder(log)
              .listen(address)
              .autoCreateTopics(!noAutoCreate)
              .defaultPartitions(partitions)
              .maxRequestBytes((int) maxRequestBytes)
              .maxIdle(maxIdle)
              .requestArrivalTimeout(requestArrivalTimeout);
      if (tlsCert != null) {
        try {
          builder.tls(tlsCert, tlsKey);
        } catch (IllegalArgumentException e) {
          throw new CliException(e.getMessage());
        }
      }
      if (sasl) {
        List<String> users = KafkaUsers.of(log).list();
        if (users.isEmpty()) {
          throw new CliException(
              "--sasl, but "
                  + log.path()
                  + " has no users, so no client could connect; add one with 'onelog users add"
                  + " NAME'");
        }
        builder.sasl();
        if (tlsCert == null) {
          err()
              .println(
                  "onelog serve: warning: --sasl without --tls-cert: PLAIN sends passwords in"
                      + " clear, and records travel in clear with every mechanism; use SCRAM, or"
                      + " give --tls-cert and --tls-key");
        }
      }
      if (advertise != null) {
        InetSocketAddress advertised = parse("--advertise", advertise);
        builder.advertise(advertised.getHostString(), advertised.getPort());
      }
      try (KafkaServer server = builder.start()) {
        InetSocketAddress bound = server.address();
        err()
            .println(
                "onelog serve: listening on "
                    + bound.getHostString()
                    + ":"
                    + bound.getPort()
                    + " (bootstrap.servers="
                    + server.bootstrapServers()
                    + ", security.protocol="
                    + protocol()
                    + "), file "
                    + log.path());
        err().flush();
        new CountDownLatch(1).await(); // until the signal's interrupt
      } catch (InterruptedException stop) {
        // SIGTERM or SIGINT: the server and the log close in order.
      }
    }
    return 0;
  }

  /** What clients give as security.protocol. */
  private String protocol() {
    return (sasl ? "SASL_" : "") + (tlsCert != null ? "SSL" : "PLAINTEXT");
  }

  private static InetSocketAddress address(String option, String value) {
    InetSocketAddress parsed = parse(option, value);
    try {
      return new InetSocketAddress(InetAddress.getByName(parsed.getHostString()), parsed.getPort());
    } catch (UnknownHostException e) {
      throw new CliException(option + " " + value + ": unknown host " + parsed.getHostString());
    }
  }

  /** HOST:PORT, the host possibly an IPv6 address in brackets. */
  static InetSocketAddress parse(String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new CliException(option + " " + value + " is not HOST:PORT, e.g. 127.0.0.1:9092");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new CliException(option + " " + value + ": the port is not a number from 0 to 65535");
    }
    if (port < 0 || port > 65535) {
      throw new CliException(option + " " + value + ": the port is not a number from 0 to 65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
