package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import dev.onelog.TopicDescription;
import dev.onelog.TopicExistsException;
import dev.onelog.TopicSpec;
import dev.onelog.UnknownTopicException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * Looks topics up for the APIs, by name or by {@link TopicIds id}, creating a missing one when the
 * server auto-creates topics. Thread-safe: its one piece of state, the names of the topic ids seen,
 * is a concurrent map whose entries are checked on each use.
 */
final class Topics {
  private final OneLog log;
  private final ServerSettings settings;

  /** Names by topic id, as last seen; an entry is checked against the topic on each use. */
  private final java.util.concurrent.ConcurrentHashMap<Uuid, String> names =
      new java.util.concurrent.ConcurrentHashMap<>();

  Topics(OneLog log, ServerSettings settings) {
    this.log = log;
    this.settings = settings;
  }

  OneLog log() {
    return log;
  }

  /** The topic, or empty when it does not exist. */
  Optional<TopicDescription> find(String name) {
    try {
      return Optional.of(log.describeTopic(name));
    } catch (UnknownTopicException e) {
      return Optional.empty();
    }
  }

  /**
   * The topic, created with the default partition count when it is missing, the server creates
   * topics and the client allows it; else empty.
   *
   * @throws dev.onelog.InvalidTopicException when the name is not a valid topic name
   */
  Optional<TopicDescription> findOrCreate(String name, boolean clientAllows) {
    Optional<TopicDescription> found = find(name);
    if (found.isPresent() || !clientAllows || !settings.autoCreateTopics()) {
      return found;
    }
    try {
      return Optional.of(
          log.createTopic(TopicSpec.named(name).withPartitions(settings.defaultPartitions())));
    } catch (TopicExistsException e) {
      return find(name); // created by someone else meanwhile
    }
  }

  /**
   * The topic with this {@link TopicIds id}, or empty: one description read when the id was seen
   * before and still names the same topic, every topic's otherwise (a topic deleted and created
   * again under its name has a new id).
   */
  Optional<TopicDescription> find(Uuid id) {
    String name = names.get(id);
    if (name != null) {
      Optional<TopicDescription> topic = find(name);
      if (topic.isPresent() && TopicIds.of(topic.get()).equals(id)) {
        return topic;
      }
      names.remove(id);
    }
    Map<Uuid, TopicDescription> all = byId();
    all.forEach((topicId, topic) -> names.put(topicId, topic.name()));
    return Optional.ofNullable(all.get(id));
  }

  /** Every topic by its {@link TopicIds id}; one description read per topic. */
  Map<Uuid, TopicDescription> byId() {
    Map<Uuid, TopicDescription> byId = new HashMap<>();
    for (String name : log.topics()) {
      find(name).ifPresent(topic -> byId.put(TopicIds.of(topic), topic));
    }
    return byId;
  }
}
