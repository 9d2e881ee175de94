package dev.onelog.eventstore;

import java.util.Objects;
import java.util.Set;

/**
 * Which events a read of all events, a subscription or a projection takes: any of {@code types}
 * (all types when empty) of streams starting with {@code streamPrefix} (all streams when null).
 */
public record EventFilter(Set<String> types, String streamPrefix) {
  public static final EventFilter ALL = new EventFilter(Set.of(), null);

  public EventFilter {
    types = Set.copyOf(Objects.requireNonNull(types, "types"));
    if (streamPrefix != null && streamPrefix.isEmpty()) {
      streamPrefix = null;
    }
  }

  public static EventFilter types(String... types) {
    return new EventFilter(Set.of(types), null);
  }

  public static EventFilter streamPrefix(String prefix) {
    return new EventFilter(Set.of(), prefix);
  }

  public boolean matches(String streamId, String type) {
    return (types.isEmpty() || types.contains(type))
        && (streamPrefix == null || streamId.startsWith(streamPrefix));
  }

  public boolean matches(RecordedEvent event) {
    return matches(event.streamId(), event.type());
  }
}
