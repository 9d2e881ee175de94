package dev.onelog.internal.kafka;

import dev.onelog.InvalidTopicException;
import dev.onelog.ProducerRecord;
import dev.onelog.TopicDescription;
import dev.onelog.TopicPartition;
import dev.onelog.eventstore.EventStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Produce: each partition's batches become one send to the log, so they commit together; the
 * response waits for the commit (acks=1 and acks=all alike: a record is acknowledged when it is as
 * durable as the log's {@link dev.onelog.Durability} makes it). acks=0 gets no response. A
 * partition whose batches are refused (a bad CRC, a record without a key on a compacted topic, an
 * out-of-order sequence) gets its error code and message, and the others are stored. Batches of the
 * idempotent producer are checked and noted in the same transaction as their records ({@link
 * ProducerStates}). Records produced to the event store's topic go through the event store ({@link
 * EventStoreProduce}).
 */
final class ProduceApi implements Api {
  private final Topics topics;
  private final long maxDecompressedBytes;

  ProduceApi(Topics topics, long maxDecompressedBytes) {
    this.topics = topics;
    this.maxDecompressedBytes = maxDecompressedBytes;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    ProduceRequestData data = ((ProduceRequest) request.body()).data();
    if (data.transactionalId() != null) {
      throw new TransactionalIdAuthorizationException(
          "Kafka transactions are not supported by onelog serve yet");
    }
    List<CompletableFuture<Void>> done = new ArrayList<>();
    KafkaRecords.Budget budget = new KafkaRecords.Budget(maxDecompressedBytes);
    ProduceResponseData response = new ProduceResponseData();
    for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
      TopicProduceResponse topicResponse =
          new TopicProduceResponse().setName(topicData.name()).setTopicId(topicData.topicId());
      response.responses().add(topicResponse);
      boolean byId = topicData.name() == null || topicData.name().isEmpty();
      Optional<TopicDescription> topic =
          byId ? topics.find(topicData.topicId()) : topic(topicData.name());
      for (ProduceRequestData.PartitionProduceData partition : topicData.partitionData()) {
        PartitionProduceResponse partitionResponse =
            new PartitionProduceResponse().setIndex(partition.index()).setLogAppendTimeMs(-1);
        topicResponse.partitionResponses().add(partitionResponse);
        if (topic.isEmpty() || partition.index() >= topic.get().partitions().size()) {
          fail(
              partitionResponse,
              byId && topic.isEmpty() ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION,
              null);
          continue;
        }
        done.add(produce(topic.get().name(), partition, budget, partitionResponse));
      }
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(done.toArray(CompletableFuture<?>[]::new));
    if (data.acks() == 0) {
      return all.handle((ignored, failure) -> null);
    }
    return all.thenApply(ignored -> new ProduceResponse(response));
  }

  private Optional<TopicDescription> topic(String name) {
    if (name.equals(EventStore.TOPIC)) {
      topics.log().eventStore(); // creates its topic and tables, as the library's first use does
    }
    try {
      return topics.findOrCreate(name, true);
    } catch (InvalidTopicException e) {
      return Optional.empty();
    }
  }

  /** Stores one partition's batches; the future completes when the response holds the outcome. */
  private CompletableFuture<Void> produce(
      String topic,
      ProduceRequestData.PartitionProduceData partition,
      KafkaRecords.Budget budget,
      PartitionProduceResponse out) {
    CompletableFuture<Long> sent;
    TopicPartition where = new TopicPartition(topic, partition.index());
    try {
      // Decoding and checking happen on this thread and may throw.
      List<MutableRecordBatch> batches = KafkaRecords.batches((MemoryRecords) partition.records());
      if (batches.isEmpty()) {
        throw new org.apache.kafka.common.InvalidRecordException(
            "the request holds no records for " + where);
      }
      boolean asSent =
          !topic.equals(EventStore.TOPIC) && batches.stream().allMatch(ProduceApi::storable);
      List<ProducerStates.Batch> states = new ArrayList<>();
      List<ProducerRecord> records = new ArrayList<>();
      boolean idempotent = false;
      for (MutableRecordBatch batch : batches) {
        idempotent |= batch.hasProducerId() && batch.baseSequence() >= 0;
        List<ProducerRecord> batchRecords = List.of();
        byte[] bytes = null;
        if (asSent) {
          batch.ensureValid();
          bytes = new byte[batch.sizeInBytes()];
          batch.writeTo(ByteBuffer.wrap(bytes));
        } else {
          batchRecords = KafkaRecords.fromBatch(batch, topic, partition.index(), budget);
          records.addAll(batchRecords);
        }
        states.add(
            new ProducerStates.Batch(
                batch.producerId(),
                batch.producerEpoch(),
                batch.baseSequence(),
                batch.lastSequence(),
                batchRecords,
                bytes));
      }
      if (topic.equals(EventStore.TOPIC)) {
        sent = EventStoreProduce.append(topics.log(), records); // event ids make retries safe
      } else if (idempotent) {
        sent =
            topics
                .log()
                .transactionAsync(
                    tx -> ProducerStates.append(tx, topic, partition.index(), states));
      } else if (asSent && states.size() == 1) {
        sent = topics.log().batches().append(where, states.get(0).stored());
      } else if (asSent) {
        sent =
            topics
                .log()
                .transactionAsync(
                    tx -> {
                      long first = -1;
                      for (ProducerStates.Batch batch : states) {
                        long base = tx.appendBatch(where, batch.stored());
                        first = first < 0 ? base : first;
                      }
                      return first;
                    });
      } else {
        sent = topics.log().send(records).thenApply(metadata -> metadata.get(0).offset());
      }
    } catch (RuntimeException e) {
      fail(out, KafkaErrors.of(e), KafkaErrors.message(e));
      return CompletableFuture.completedFuture(null);
    }
    return sent.handle(
        (base, failure) -> {
          if (failure != null) {
            fail(out, KafkaErrors.of(failure), KafkaErrors.message(failure));
          } else {
            out.setBaseOffset(base).setLogStartOffset(-1);
          }
          return null;
        });
  }

  /**
   * Whether the file can store the batch as it came: magic 2, uncompressed, create time, not
   * transactional, not a control batch (docs/FORMAT.md section 3), with timestamps (a client that
   * sends none, -1, gets the server's time, which means rewriting the records). Others are decoded
   * and stored record by record ({@link KafkaRecords}).
   */
  private static boolean storable(MutableRecordBatch batch) {
    return batch.magic() == RecordBatch.MAGIC_VALUE_V2
        && KafkaRecords.compressionType(batch) == CompressionType.NONE
        && batch.timestampType() == TimestampType.CREATE_TIME
        && !batch.isTransactional()
        && !batch.isControlBatch()
        && batch instanceof DefaultRecordBatch kafka
        && kafka.baseTimestamp() >= 0
        && kafka.maxTimestamp() >= 0;
  }

  private static void fail(PartitionProduceResponse out, Errors error, String message) {
    out.setErrorCode(error.code()).setBaseOffset(-1).setErrorMessage(message);
  }
}
