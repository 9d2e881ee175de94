package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch, which clients send to check their position after a leader change
 * (librdkafka, and the Java consumer when a fetched batch names its leader epoch). The server is
 * the only leader there ever was, so every partition has one epoch, 0, which ends at the
 * partition's next offset: an epoch of 0 or more is answered with epoch 0 and the next offset, a
 * negative one with no epoch and no offset (Kafka's UNDEFINED), and a current leader epoch above 0
 * with UNKNOWN_LEADER_EPOCH, as a broker answers a client that knows a newer leader than it does.
 */
final class OffsetForLeaderEpochApi implements Api {
  private final Topics topics;

  OffsetForLeaderEpochApi(Topics topics) {
    this.topics = topics;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    OffsetForLeaderEpochRequestData data = ((OffsetsForLeaderEpochRequest) request.body()).data();
    OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
    for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic asked : data.topics()) {
      OffsetForLeaderTopicResult topicResult =
          new OffsetForLeaderTopicResult().setTopic(asked.topic());
      response.topics().add(topicResult);
      Optional<TopicDescription> topic = topics.find(asked.topic());
      for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition partition :
          asked.partitions()) {
        EpochEndOffset out =
            new EpochEndOffset().setPartition(partition.partition()).setLeaderEpoch(-1);
        topicResult.partitions().add(out);
        if (topic.isEmpty() || partition.partition() >= topic.get().partitions().size()) {
          out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } else if (partition.currentLeaderEpoch() > 0) {
          out.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        } else if (partition.leaderEpoch() >= 0) {
          out.setLeaderEpoch(0)
              .setEndOffset(topic.get().partitions().get(partition.partition()).nextOffset());
        }
      }
    }
    return CompletableFuture.completedFuture(new OffsetsForLeaderEpochResponse(response));
  }
}
