package dev.onelog;

import java.util.List;

/**
 * The result of {@link OneLog#verify()}: how much was checked and every problem found. A problem
 * that concerns one record names its topic, partition and offset; one that concerns the file
 * (SQLite's integrity check, counters) has a null topic and offset -1.
 */
public record VerifyReport(long recordsChecked, List<Problem> problems) {

  public record Problem(String topic, int partition, long offset, String description) {
    @Override
    public String toString() {
      return topic == null
          ? description
          : topic + "-" + partition + "@" + offset + ": " + description;
    }
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
