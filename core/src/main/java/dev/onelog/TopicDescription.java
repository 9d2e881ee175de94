package dev.onelog;

import java.util.List;

/** A topic's configuration and the state of each of its partitions. */
public record TopicDescription(
    TopicSpec spec, long createdAtMs, List<PartitionDescription> partitions) {

  public String name() {
    return spec.name();
  }

  public long recordCount() {
    return partitions.stream().mapToLong(PartitionDescription::recordCount).sum();
  }

  public long sizeInBytes() {
    return partitions.stream().mapToLong(PartitionDescription::sizeInBytes).sum();
  }
}
