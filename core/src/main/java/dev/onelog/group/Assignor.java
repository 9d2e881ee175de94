package dev.onelog.group;

/**
 * How a group's partitions are divided among its members; every member of a group must use the same
 * one. With each, a partition is owned by at most one member at a time: a member hands a partition
 * over only after its {@link RebalanceListener#onPartitionsRevoked} returned, or when its session
 * expired.
 */
public enum Assignor {
  /**
   * Kafka's range assignor: per topic, consecutive ranges of partitions to the members in order of
   * their ids. Eager: at every rebalance each member gives up all its partitions and gets its new
   * share.
   */
  RANGE("range"),
  /**
   * Kafka's round-robin assignor: all subscribed partitions dealt to the members in turn. Eager, as
   * {@link #RANGE}.
   */
  ROUND_ROBIN("roundrobin"),
  /**
   * A sticky assignor, as Kafka's cooperative-sticky: balanced shares that move as few partitions
   * as possible, cooperatively: a member keeps consuming the partitions it keeps while the others
   * move. The default.
   */
  STICKY("sticky");

  private final String configValue;

  Assignor(String configValue) {
    this.configValue = configValue;
  }

  /** The name stored in the file's {@code consumer_groups.assignor}. */
  public String configValue() {
    return configValue;
  }

  /** True when members keep the partitions they still own during a rebalance. */
  public boolean isCooperative() {
    return this == STICKY;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Assignor parse(String text) {
    for (Assignor assignor : values()) {
      if (assignor.configValue.equalsIgnoreCase(text.trim())
          || assignor.name().equalsIgnoreCase(text.trim())) {
        return assignor;
      }
    }
    throw new IllegalArgumentException(
        "assignor '" + text + "' is not one of range, roundrobin, sticky");
  }
}
