package dev.onelog.eventstore;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which events a conditional append is about, as event stores built on Dynamic Consistency
 * Boundaries ask: a list of items, and an event matches the query when it matches any item. An
 * event matches an item when its type is one of the item's types (when it names types), it carries
 * every one of the item's tags (when it names tags), and its stream id starts with the item's
 * prefix (when it has one). An item names at least one of the three.
 *
 * <pre>{@code
 * EventQuery.types("SeatReserved", "SeatReleased").or(EventQuery.tags("seat-12A"))
 * EventQuery.of(Set.of("CourseCapacityChanged"), Set.of("course-7"), null)   // type AND tag
 * }</pre>
 */
public record EventQuery(List<Item> items) {
  /**
   * One criterion: types (any of), tags (all of) and a stream prefix, each optional, not all
   * absent.
   */
  public record Item(Set<String> types, Set<String> tags, String streamPrefix) {
    public Item {
      types = Set.copyOf(Objects.requireNonNull(types, "types"));
      tags = Set.copyOf(Objects.requireNonNull(tags, "tags"));
      if (types.isEmpty() && tags.isEmpty() && (streamPrefix == null || streamPrefix.isEmpty())) {
        throw new IllegalArgumentException(
            "a query item needs event types, tags or a stream prefix; an item with none would"
                + " match every event");
      }
      if (streamPrefix != null && streamPrefix.isEmpty()) {
        streamPrefix = null;
      }
    }

    /** True when the event's stream, type and tags match this item. */
    public boolean matches(String streamId, String type, Set<String> eventTags) {
      return (types.isEmpty() || types.contains(type))
          && eventTags.containsAll(tags)
          && (streamPrefix == null || streamId.startsWith(streamPrefix));
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      if (!types.isEmpty()) {
        s.append("types ").append(types.stream().sorted().toList());
      }
      if (!tags.isEmpty()) {
        s.append(s.length() > 0 ? " and " : "")
            .append("tags ")
            .append(tags.stream().sorted().toList());
      }
      if (streamPrefix != null) {
        s.append(s.length() > 0 ? " and " : "")
            .append("streams '")
            .append(streamPrefix)
            .append("*'");
      }
      return s.toString();
    }
  }

  public EventQuery {
    items = List.copyOf(Objects.requireNonNull(items, "items"));
    if (items.isEmpty()) {
      throw new IllegalArgumentException("a query needs at least one item");
    }
  }

  /** Events of any of these types. */
  public static EventQuery types(String... types) {
    return of(Set.of(types), Set.of(), null);
  }

  /** Events carrying every one of these tags. */
  public static EventQuery tags(String... tags) {
    return of(Set.of(), Set.of(tags), null);
  }

  /** Events of streams whose id starts with {@code prefix}. */
  public static EventQuery streamPrefix(String prefix) {
    return of(Set.of(), Set.of(), prefix);
  }

  /** One item: every part given must match. */
  public static EventQuery of(Set<String> types, Set<String> tags, String streamPrefix) {
    return new EventQuery(List.of(new Item(types, tags, streamPrefix)));
  }

  /** Events matching this query or the other. */
  public EventQuery or(EventQuery other) {
    List<Item> all = new java.util.ArrayList<>(items);
    all.addAll(other.items);
    return new EventQuery(all);
  }

  public boolean matches(String streamId, String type, Set<String> tags) {
    for (Item item : items) {
      if (item.matches(streamId, type, tags)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (Item item : items) {
      s.append(s.length() > 0 ? " or " : "").append(item);
    }
    return s.toString();
  }
}
