package dev.onelog.group;

import dev.onelog.OneLogException;
import java.util.List;

/** No group of that id exists in the file. */
public class UnknownGroupException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String groupId;
  private final List<String> knownGroups;

  public UnknownGroupException(String message, String groupId, List<String> knownGroups) {
    super(message);
    this.groupId = groupId;
    this.knownGroups = List.copyOf(knownGroups);
  }

  public String groupId() {
    return groupId;
  }

  public List<String> knownGroups() {
    return knownGroups;
  }
}
