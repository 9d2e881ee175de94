/**
 * The Kafka server's insides: a Netty pipeline per connection ({@link ConnectionLimits}, {@link
 * IdleTimeout}, {@link FrameDecoder}, {@link RequestDecoder}, {@link ResponseEncoder}, {@link
 * Connection}) over kafka-clients' own message classes, and one class per API that answers from the
 * log ({@link KafkaPipeline} registers each with the versions it answers). The topic configs the
 * admin APIs read and write are one table, {@link TopicConfigs}; onelog's exceptions become Kafka
 * error codes in one table, {@link KafkaErrors}. With TLS, an {@code SslHandler} ({@link TlsFiles})
 * comes first in the pipeline; with SASL, {@link SaslAuthenticator} sits before {@link Connection}
 * until the connection has authenticated ({@code internal.kafka.sasl}: the users in the file and
 * the mechanisms).
 *
 * <p>Threads: Netty's event loops only decode, encode, write and run each connection's two clocks
 * (max idle, request arrival); every request runs on the server's worker threads ({@link
 * Connection} starts a connection's requests one at a time, in order, so produces keep their
 * order), and a request that waits (a produce for its commit, a fetch for records) holds no thread:
 * it completes from the log's futures, or from {@link ParkedFetches} after a commit or its
 * deadline; a JoinGroup or SyncGroup waiting for other members completes from their requests or the
 * group coordinator's tick ({@code internal.kafka.group}).
 */
package dev.onelog.internal.kafka;
