package dev.onelog.internal.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId for the idempotent producer (on by default in Kafka clients): a new producer id,
 * epoch 0. Ids start from the server's start time in milliseconds, so a restarted server does not
 * hand out an id it gave before; each request also deletes the producer state that expired ({@link
 * ProducerStates}). A transactional id is refused: Kafka transactions are not supported yet.
 */
final class InitProducerIdApi implements Api {
  private final dev.onelog.OneLog log;
  private final AtomicLong nextId;

  InitProducerIdApi(dev.onelog.OneLog log, long startMillis) {
    this.log = log;
    this.nextId = new AtomicLong(startMillis);
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    InitProducerIdRequestData data = ((InitProducerIdRequest) request.body()).data();
    InitProducerIdResponseData response = new InitProducerIdResponseData();
    if (data.transactionalId() != null) {
      response
          .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
          .setProducerId(-1)
          .setProducerEpoch((short) -1);
      return CompletableFuture.completedFuture(new InitProducerIdResponse(response));
    }
    response.setProducerId(nextId.getAndIncrement()).setProducerEpoch((short) 0);
    // A new producer is the moment to forget the ones that expired.
    return log.transactionAsync(tx -> ProducerStates.expire(tx, System.currentTimeMillis()))
        .thenApply(expired -> new InitProducerIdResponse(response));
  }
}
