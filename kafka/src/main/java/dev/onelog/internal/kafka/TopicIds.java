package dev.onelog.internal.kafka;

import dev.onelog.TopicDescription;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's topic ids for onelog's topics, which have none stored: a name-based UUID of the topic's
 * name and creation time, so that an id stays the same across restarts and a topic deleted and
 * created again under its name gets a new one, as in Kafka.
 */
final class TopicIds {
  private TopicIds() {}

  static Uuid of(TopicDescription topic) {
    UUID id =
        UUID.nameUUIDFromBytes(
            (topic.createdAtMs() + "/" + topic.name()).getBytes(StandardCharsets.UTF_8));
    Uuid uuid = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    return uuid.equals(Uuid.ZERO_UUID) || uuid.equals(Uuid.METADATA_TOPIC_ID)
        ? new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits() ^ 2)
        : uuid;
  }
}
