package dev.onelog.group;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A member of a group that a coordinator outside this library keeps, as {@code onelog serve} keeps
 * the Kafka consumers connected to it: recorded with {@link Groups#recordWireMembers} so that the
 * file shows it ({@link Groups#describe}, {@code onelog groups}) and embedded members do not join
 * its group. {@code topics} is what it subscribes to, empty when not known.
 */
public record WireMember(
    String memberId,
    String instanceId,
    String client,
    List<String> topics,
    Duration sessionTimeout) {
  public WireMember {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(client, "client");
    topics = List.copyOf(topics);
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
  }
}
