package dev.onelog.internal.kafka;

import java.time.Duration;

/**
 * What the server tells clients about itself and how it treats them; fixed once it has bound.
 *
 * @param advertisedHost the host clients are told to connect to (Metadata, FindCoordinator)
 * @param advertisedPort the port clients are told to connect to
 * @param autoCreateTopics whether Metadata and Produce create a topic they name that is missing
 * @param defaultPartitions partitions of a topic created that way
 * @param maxRequestBytes the largest request frame accepted, size prefix excluded; also what the
 *     batches of one produce request may decompress to at most
 * @param maxConnections connections open at once, in total
 * @param maxConnectionsPerAddress connections open at once from one client address
 * @param maxIdle how long a connection may go without sending a byte or being sent one before it is
 *     closed (Kafka's {@code connections.max.idle.ms})
 * @param requestArrivalTimeout how long one request frame may take to arrive, from its first byte
 *     to its last, before its connection is closed
 */
public record ServerSettings(
    String advertisedHost,
    int advertisedPort,
    boolean autoCreateTopics,
    int defaultPartitions,
    int maxRequestBytes,
    int maxConnections,
    int maxConnectionsPerAddress,
    Duration maxIdle,
    Duration requestArrivalTimeout) {

  /** The one broker's id: it leads every partition. */
  public static final int NODE_ID = 0;

  /** The cluster id clients see. */
  public static final String CLUSTER_ID = "onelog";
}
