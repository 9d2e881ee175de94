package dev.onelog.internal.kafka;

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
 */
public record ServerSettings(
    String advertisedHost,
    int advertisedPort,
    boolean autoCreateTopics,
    int defaultPartitions,
    int maxRequestBytes,
    int maxConnections,
    int maxConnectionsPerAddress) {

  /** The one broker's id: it leads every partition. */
  public static final int NODE_ID = 0;

  /** The cluster id clients see. */
  public static final String CLUSTER_ID = "onelog";
}
