package dev.onelog.internal.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Answers one Kafka API, on a worker thread. The answer may complete later (after a commit, or when
 * a fetch finds records); it completes with null when no response is due (a produce with acks=0).
 * An exception, thrown or in the future, is answered with its Kafka error code ({@link
 * KafkaErrors}).
 */
interface Api {
  CompletableFuture<AbstractResponse> answer(Request request);
}
