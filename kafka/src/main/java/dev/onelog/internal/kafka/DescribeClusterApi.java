package dev.onelog.internal.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/**
 * DescribeCluster (versions 0 to 2, all that kafka-clients 4.1 decodes): cluster {@link
 * ServerSettings#CLUSTER_ID}, one broker, node 0 at the advertised host and port, which is also the
 * controller. Asking for the controllers' endpoints (a client bootstrapped with
 * bootstrap.controllers) gets UNSUPPORTED_ENDPOINT_TYPE, as from a Kafka broker. Authorized
 * operations are not reported: there are no ACLs.
 *
 * <p>Thread-safe: it answers from fixed settings.
 */
final class DescribeClusterApi implements Api {
  /** The endpoint type of brokers; 2 is controllers. */
  private static final byte BROKERS = 1;

  private final ServerSettings settings;

  DescribeClusterApi(ServerSettings settings) {
    this.settings = settings;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    DescribeClusterRequestData data = ((DescribeClusterRequest) request.body()).data();
    DescribeClusterResponseData response =
        new DescribeClusterResponseData().setEndpointType(data.endpointType());
    if (data.endpointType() != BROKERS) {
      response
          .setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
          .setErrorMessage(
              "endpoint type "
                  + data.endpointType()
                  + " is not served: this server is a broker; use bootstrap.servers, not"
                  + " bootstrap.controllers");
    } else {
      response
          .setClusterId(ServerSettings.CLUSTER_ID)
          .setControllerId(ServerSettings.NODE_ID)
          .brokers()
          .add(
              new DescribeClusterBroker()
                  .setBrokerId(ServerSettings.NODE_ID)
                  .setHost(settings.advertisedHost())
                  .setPort(settings.advertisedPort()));
    }
    return CompletableFuture.completedFuture(new DescribeClusterResponse(response));
  }
}
