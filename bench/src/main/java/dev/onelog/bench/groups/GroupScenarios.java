package dev.onelog.bench.groups;

import dev.onelog.bench.Scenario;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The consumer-group scenarios, by name. The third, appends beside idle members, is the async
 * scenario with {@code extra idleMembers} ({@link IdleMembers}).
 */
public final class GroupScenarios {
  private GroupScenarios() {}

  public static final Map<String, Supplier<Scenario>> ALL =
      Map.of(
          "group-commit", OffsetCommitScenario::new,
          "group-failover", FailoverScenario::new);
}
